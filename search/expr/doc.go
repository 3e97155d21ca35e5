// Package expr is the expression language of FT.AGGREGATE's APPLY and FILTER steps (and
// of FT.CREATE ... FILTER) as RediSearch 8 (up to 8.6) defines it: Parse reads an
// expression — number and string literals, @property references, NULL, the operators
// + - * / % ^ == != < <= > >= && || !, and the functions of RediSearch's
// aggregate/functions (string, math, date, geodistance, exists, case, ...) — with
// RediSearch's lexing, precedence and error texts, and Evaluate computes it against a Row
// with RediSearch's value semantics: C double arithmetic, string/number coercion,
// RSValue comparison and truthiness, glibc strftime/strptime for the date functions, and
// the errors that fail a query. Value also carries the reply text of a number (Format)
// and the orderings SORTBY and the reducers use. It is not the query language of
// FT.SEARCH (package query), does not load or know fields, reply, group or sort, and
// knows no time zone but UTC. $name parameters are darner's extension: RediSearch reads
// the $ of an expression as punctuation.
package expr
