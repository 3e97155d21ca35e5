package aof

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// File types in a manifest, as Redis 7 writes them.
const (
	TypeBase    = 'b'
	TypeIncr    = 'i'
	TypeHistory = 'h'
)

// File is one line of a manifest.
type File struct {
	Name string
	Seq  int64
	Type byte
}

// Manifest lists the files of the state: a base (optional) and incremental files in
// replay order.
type Manifest struct {
	Base  *File
	Incrs []File
}

// ErrNoManifest is returned by ReadManifest when the directory holds no manifest.
var ErrNoManifest = errors.New("aof: no manifest")

// ManifestName is the manifest's file name for appendfilename name.
func ManifestName(name string) string { return name + ".manifest" }

// BaseName and IncrName are the names Redis 7 gives a base (RDB or command form) and an
// incremental file of sequence number seq.
func BaseName(name string, seq int64, rdb bool) string {
	if rdb {
		return fmt.Sprintf("%s.%d.base.rdb", name, seq)
	}
	return fmt.Sprintf("%s.%d.base.aof", name, seq)
}

// IncrName is the name of incremental file seq.
func IncrName(name string, seq int64) string { return fmt.Sprintf("%s.%d.incr.aof", name, seq) }

// ReadManifest reads dir's manifest for appendfilename name.
func ReadManifest(dir, name string) (*Manifest, error) {
	b, err := os.ReadFile(filepath.Join(dir, ManifestName(name)))
	if errors.Is(err, os.ErrNotExist) {
		return nil, ErrNoManifest
	}
	if err != nil {
		return nil, err
	}
	m, err := ParseManifest(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(dir, ManifestName(name)), err)
	}
	return m, nil
}

// maxManifestLine bounds a line, as Redis does, so a corrupt file is refused quickly.
const maxManifestLine = 1024

// ParseManifest reads a manifest's text: one "file <name> seq <n> type <b|i|h>" line per
// file, the keys in any order; lines starting with '#' are comments. History files are
// left out (they are no longer part of the state). Incremental files must come in
// ascending sequence.
func ParseManifest(b []byte) (*Manifest, error) {
	m := &Manifest{}
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 0, maxManifestLine), maxManifestLine)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if strings.HasPrefix(line, "#") {
			continue
		}
		f, err := parseManifestLine(line)
		if err != nil {
			return nil, fmt.Errorf("manifest line %d: %w", n, err)
		}
		switch f.Type {
		case TypeBase:
			if m.Base != nil {
				return nil, fmt.Errorf("manifest line %d: a second base file", n)
			}
			m.Base = &f
		case TypeIncr:
			if k := len(m.Incrs); k > 0 && m.Incrs[k-1].Seq >= f.Seq {
				return nil, fmt.Errorf("manifest line %d: incremental files out of order", n)
			}
			m.Incrs = append(m.Incrs, f)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("manifest: %w", err)
	}
	if m.Base == nil && len(m.Incrs) == 0 {
		return nil, errors.New("manifest names no file")
	}
	return m, nil
}

func parseManifestLine(line string) (File, error) {
	fields := strings.Fields(line)
	if len(fields) == 0 || len(fields)%2 != 0 {
		return File{}, fmt.Errorf("invalid format %q", line)
	}
	var f File
	seen := 0
	for i := 0; i < len(fields); i += 2 {
		k, v := fields[i], fields[i+1]
		switch k {
		case "file":
			if strings.ContainsAny(v, `/\`) || v == "." || v == ".." {
				return File{}, fmt.Errorf("file name %q is not a plain name", v)
			}
			f.Name = v
			seen |= 1
		case "seq":
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n < 0 {
				return File{}, fmt.Errorf("bad seq %q", v)
			}
			f.Seq = n
			seen |= 2
		case "type":
			if len(v) != 1 || (v[0] != TypeBase && v[0] != TypeIncr && v[0] != TypeHistory) {
				return File{}, fmt.Errorf("bad type %q", v)
			}
			f.Type = v[0]
			seen |= 4
		} // other keys: a later version's, ignored as Redis does
	}
	if seen != 7 {
		return File{}, fmt.Errorf("line lacks file, seq or type: %q", line)
	}
	return f, nil
}

// Marshal writes the manifest's text.
func (m *Manifest) Marshal() []byte {
	var b bytes.Buffer
	if m.Base != nil {
		fmt.Fprintf(&b, "file %s seq %d type %c\n", m.Base.Name, m.Base.Seq, TypeBase)
	}
	for _, f := range m.Incrs {
		fmt.Fprintf(&b, "file %s seq %d type %c\n", f.Name, f.Seq, TypeIncr)
	}
	return b.Bytes()
}

// Names returns the files of the state in replay order.
func (m *Manifest) Names() []string {
	var out []string
	if m.Base != nil {
		out = append(out, m.Base.Name)
	}
	for _, f := range m.Incrs {
		out = append(out, f.Name)
	}
	return out
}

// clone returns a copy that shares nothing with m.
func (m *Manifest) clone() *Manifest {
	c := &Manifest{Incrs: append([]File(nil), m.Incrs...)}
	if m.Base != nil {
		b := *m.Base
		c.Base = &b
	}
	return c
}

// writeManifest replaces dir's manifest atomically.
func writeManifest(dir, name string, m *Manifest) error {
	return WriteFileAtomically(filepath.Join(dir, ManifestName(name)), func(w io.Writer) error {
		_, err := w.Write(m.Marshal())
		return err
	})
}

// WriteFileAtomically writes path through a temporary file beside it: written, synced,
// renamed over path, and the directory synced, so that path is either the old file or the
// whole new one after a crash.
func WriteFileAtomically(path string, write func(io.Writer) error) error {
	tmp := fmt.Sprintf("%s.tmp-%d", path, os.Getpid())
	f, err := os.Create(tmp)
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(f, 1<<20)
	err = write(bw)
	if err == nil {
		err = bw.Flush()
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return err
	}
	return syncDir(filepath.Dir(path))
}

// syncDir makes a rename or a creation in dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
