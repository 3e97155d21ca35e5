package query

import "testing"

func BenchmarkParseKNN(b *testing.B) {
	opts := Options{Dialect: 2, Params: map[string]string{"q": string(make([]byte, 512))}}
	for b.Loop() {
		if _, err := Parse("*=>[KNN 10 @v $q EF_RUNTIME 24]", opts); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseText(b *testing.B) {
	opts := Options{Dialect: 2}
	for b.Loop() {
		if _, err := Parse("@title:(hello world) @brand:{b42 | b7} @price:[10 (200]", opts); err != nil {
			b.Fatal(err)
		}
	}
}
