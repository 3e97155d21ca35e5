// Command cities is the walk-through of "Announcing Dragonfly Search", run against darner
// (or any server with RediSearch's commands): four cities stored as hashes, an index over
// them, and two searches, each printed as redis-cli prints it.
//
//	go run .                                   # in the repository root: darner on :6379
//	go run ./examples/cities [-addr host:port] # in another terminal
//
// See README.md beside this file for the output.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:6379", "the server's address")
	flag.Parse()
	// RESP2: the seed shows FT.SEARCH's replies as arrays, which is what RESP2 sends
	// (RESP3 sends a map with the same content).
	rdb := redis.NewClient(&redis.Options{Addr: *addr, Protocol: 2})
	defer rdb.Close()
	if err := run(context.Background(), rdb, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "cities:", err)
		os.Exit(1)
	}
}

// cities are the seed's four: name, population in millions, continent.
var cities = [][]string{
	{"city:1", "London", "8.8", "Europe"},
	{"city:2", "Athens", "3.1", "Europe"},
	{"city:3", "Tel-Aviv", "1.3", "Asia"},
	{"city:4", "Hyderabad", "9.8", "Asia"},
}

// run stores the cities, (re)creates the index, waits until it has indexed them, and
// prints FT.INFO's summary and the two searches' replies to out.
func run(ctx context.Context, rdb *redis.Client, out io.Writer) error {
	for _, c := range cities {
		if err := rdb.HSet(ctx, c[0], "name", c[1], "population", c[2], "continent", c[3]).Err(); err != nil {
			return err
		}
	}
	// Start from a fresh index, so that the example can run again.
	if err := rdb.Do(ctx, "FT.DROPINDEX", "cities").Err(); err != nil && !strings.Contains(strings.ToLower(err.Error()), "unknown index") {
		return err
	}
	create := []any{"FT.CREATE", "cities", "PREFIX", "1", "city:", "SCHEMA",
		"name", "TEXT", "population", "NUMERIC", "SORTABLE", "continent", "TAG"}
	if err := command(ctx, rdb, out, create...); err != nil {
		return err
	}
	info, err := waitIndexed(ctx, rdb, "cities")
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "\n> FT.INFO cities\nnum_docs: %v\n", info["num_docs"])
	for _, a := range info["attributes"].([]any) {
		fmt.Fprintf(out, "attribute: %s\n", attribute(a.([]any)))
	}
	for _, q := range [][]any{
		{"FT.SEARCH", "cities", "@continent:{Europe}", "SORTBY", "population", "DESC", "LIMIT", "0", "1",
			"RETURN", "2", "name", "population"},
		{"FT.SEARCH", "cities", "@population:[0 5] @continent:{Asia}", "RETURN", "1", "name"},
	} {
		fmt.Fprintln(out)
		if err := command(ctx, rdb, out, q...); err != nil {
			return err
		}
	}
	return nil
}

// command prints args as typed at a prompt, sends them, and prints the reply.
func command(ctx context.Context, rdb *redis.Client, out io.Writer, args ...any) error {
	words := make([]string, len(args))
	for i, a := range args {
		s := fmt.Sprint(a)
		if strings.ContainsAny(s, " {}[]@") {
			s = "'" + s + "'"
		}
		words[i] = s
	}
	fmt.Fprintf(out, "> %s\n", strings.Join(words, " "))
	v, err := rdb.Do(ctx, args...).Result()
	if err != nil {
		return fmt.Errorf("%s: %w", args[0], err)
	}
	printReply(out, v, "")
	return nil
}

// printReply writes v as redis-cli does: numbered array elements, nested ones indented.
func printReply(out io.Writer, v any, indent string) {
	switch x := v.(type) {
	case []any:
		if len(x) == 0 {
			fmt.Fprintln(out, "(empty array)")
			return
		}
		width := len(fmt.Sprint(len(x)))
		for i, e := range x {
			label := fmt.Sprintf("%*d) ", width, i+1)
			if i > 0 {
				fmt.Fprint(out, indent)
			}
			fmt.Fprint(out, label)
			printReply(out, e, indent+strings.Repeat(" ", len(label)))
		}
	case int64:
		fmt.Fprintf(out, "(integer) %d\n", x)
	case string:
		if x == "OK" {
			fmt.Fprintln(out, "OK")
			return
		}
		fmt.Fprintf(out, "%q\n", x)
	case nil:
		fmt.Fprintln(out, "(nil)")
	default:
		fmt.Fprintf(out, "%v\n", x)
	}
}

// waitIndexed polls FT.INFO until the index has scanned the keys that existed before it,
// and returns the reply as a map.
func waitIndexed(ctx context.Context, rdb *redis.Client, index string) (map[string]any, error) {
	for range 500 {
		v, err := rdb.Do(ctx, "FT.INFO", index).Slice()
		if err != nil {
			return nil, err
		}
		info := map[string]any{}
		for i := 0; i+1 < len(v); i += 2 {
			if k, ok := v[i].(string); ok {
				info[k] = v[i+1]
			}
		}
		if fmt.Sprint(info["indexing"]) == "0" {
			return info, nil
		}
		time.Sleep(10 * time.Millisecond)
	}
	return nil, errors.New("the index is still indexing after 5 s")
}

// attribute summarizes one FT.INFO attribute (identifier, attribute, type, flags).
func attribute(a []any) string {
	fields := map[string]string{}
	var flags []string
	for i := 0; i < len(a); i++ {
		s := fmt.Sprint(a[i])
		switch s {
		case "identifier", "attribute", "type":
			if i+1 < len(a) {
				fields[s] = fmt.Sprint(a[i+1])
				i++
			}
		case "SORTABLE", "NOINDEX", "NOSTEM", "CASESENSITIVE", "UNF":
			flags = append(flags, s)
		}
	}
	sort.Strings(flags)
	return strings.TrimSpace(fields["attribute"] + " " + fields["type"] + " " + strings.Join(flags, " "))
}
