// Package phonetic encodes words with Lawrence Philips' Double Metaphone ("The Double
// Metaphone Search Algorithm", C/C++ Users Journal, June 2000), the matcher behind
// RediSearch's `PHONETIC dm:en|dm:fr|dm:pt|dm:es` TEXT fields: RediSearch runs the same
// encoder for all four languages, and so does darner. A word gets a primary and an
// alternate code of at most four symbols from the alphabet 0AFHJKLMNPRSTX ('0' is the
// "th" of "thin", 'X' the "sh" of "ship", 'A' a vowel that starts the word), and two words
// sound alike when any code of one equals any code of the other. The package follows
// Philips' rules as published, including their quirks, so that codes match what RediSearch
// stores. It is not a tokenizer or stemmer (it encodes the one word it is given), not
// Metaphone 3, and it keeps no state: DoubleMetaphone is safe for concurrent use.
package phonetic
