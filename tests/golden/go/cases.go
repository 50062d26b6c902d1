package main

import (
	"fmt"
	"math"
	"time"
)

type namedCase struct {
	name  string
	trace traceCase
}

var (
	base = time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	zero time.Time
)

func cases() []namedCase {
	return []namedCase{
		{"checkout", checkout()},
		{"go-readme", goReadme()},
		{"escaping-classes", escapingClasses()},
		{"control-characters", controlCharacters()},
		{"tag-orderings", tagOrderings()},
		{"tag-keys-utf8-order", tagKeysUtf8Order()},
		{"times-fraction-digits", fractionDigits()},
		{"times-offsets", offsets()},
		{"times-extremes", extremes()},
		{"times-nanoseconds", nanoseconds(false)},
		{"times-nanoseconds-truncated", nanoseconds(true)},
		{"unset-times", unsetTimes()},
		{"empty-and-missing", emptyAndMissing()},
		{"nil-spans", traceCase{id: s("nil-spans"), nilSpans: true}},
		{"empty-spans", traceCase{id: s("empty-spans"), spans: []spanCase{}}},
		{"nil-span-elements", nilSpanElements()},
		{"null-strings", nullStrings()},
		{"large-numbers", largeNumbers()},
		{"long-strings", longStrings()},
		{"spans-10000", manySpans(10_000)},
	}
}

func span(id, parent, name string, start time.Time, ms int64) spanCase {
	return spanCase{id: s(id), parent: s(parent), name: s(name), start: start, end: start.Add(time.Duration(ms) * time.Millisecond), duration: ms}
}

func kv(key, value string) tag { return tag{s(key), s(value)} }

// The Go example handler's trace, shaped like the benchmark's.
func checkout() traceCase {
	t := base.Add(1234567800)
	return traceCase{id: s("4bf92f3577b34da6a3ce929d0e0e4736"), spans: []spanCase{
		withTags(span("00f067aa0ba902b7", "", "GET /api/checkout", t, 152), kv("http.status_code", "200"), kv("http.route", "/api/checkout"), kv("user.tier", "gold")),
		withTags(span("53995c3f42cd8ad8", "00f067aa0ba902b7", "Process Payment", t.Add(time.Millisecond), 41), kv("currency", "USD"), kv("payment.provider", "stripe"), kv("amount", "129.90")),
		withTags(span("a2fb4a1d1a96d312", "00f067aa0ba902b7", "DB: Select User", t.Add(43*time.Millisecond), 12), kv("db.system", "postgresql"), kv("db.query", "SELECT id, name, tier FROM users WHERE id = $1 AND tier <> 'none' && active")),
		withTags(span("b7ad6b7169203331", "00f067aa0ba902b7", "HTTP: Shipping Service", t.Add(56*time.Millisecond), 88), kv("http.url", "https://shipping.internal/api/v2/quotes?from=DE&to=FR"), kv("peer.service", "shipping")),
		withTags(span("e457b5a2e4d86bd1", "b7ad6b7169203331", "Calculate Weight", t.Add(60*time.Millisecond), 23), kv("items", "3"), kv("unit", "kg")),
	}}
}

// The payload of the Go exporter's README: no times set, so Go writes year 1.
func goReadme() traceCase {
	return traceCase{id: s("trace-1700234-99"), spans: []spanCase{
		{id: s("101"), name: s("GET /api/checkout"), duration: 150},
		{id: s("202"), parent: s("101"), name: s("DB: Process Order"), duration: 45},
	}}
}

// One span per class of text, the class in every string field and in a tag key and value.
func escapingClasses() traceCase {
	classes := []struct {
		name string
		text str
	}{
		{"ascii", s("plain text 0-9 A-Z a-z ~!@#$%^*()_+-=[]{}|;:,./?`'")},
		{"html", s("<script>&amp;</script> a<b>c&d")},
		{"quote-backslash", s(`say "hi" \ back\slash \u0041 \n`)},
		{"del", s("a\u007fb")},
		{"latin-cjk", s("é ß ñ Ω 漢字 ひらがな")},
		{"replacement-char", s("a\ufffdb")},
		{"emoji", s("😀 🙂 👍🏽 👨‍👩‍👧 𝄞 \U0010FFFF")},
		{"line-separators", s("a\u2028b\u2029c\u2027\u202a")},
		{"noncharacters-private-bom", s("\ufffe\uffff\ue000\uf8ff\ufeff")},
		{"lone-high-surrogate", u('a', 0xD800, 'b')},
		{"lone-low-surrogate", u('a', 0xDC00, 'b')},
		{"reversed-pair", u(0xDE00, 0xD83D)},
		{"high-surrogate-at-end", u('a', 0xD83D)},
		{"low-surrogate-at-start", u(0xDE00, 'a')},
		{"high-surrogate-before-escape", u(0xD83D, '<', 0xD83D, '\n')},
		{"everything", s("<é>\"&\\\u2028😀\u007f\t\ufffd").plus(u(0xD800), s("\x01end"))},
	}
	spans := make([]spanCase, 0, len(classes))
	for i, c := range classes {
		id := s(fmt.Sprintf("%02d-", i)).plus(c.text)
		sc := spanCase{id: id, parent: c.text, name: s(c.name + ": ").plus(c.text), start: base, end: base, duration: int64(i)}
		spans = append(spans, withTags(sc, tag{s("k ").plus(c.text), s("v ").plus(c.text)}, tag{s("class"), s(c.name)}))
	}
	return traceCase{id: s("escaping-classes ").plus(s("<&>\u2028😀")), spans: spans}
}

// Every C0 control character alone in a name, then all of them in every field at once.
func controlCharacters() traceCase {
	var all []uint16
	spans := []spanCase{}
	for c := uint16(0); c < 0x20; c++ {
		all = append(all, c)
		spans = append(spans, spanCase{id: s(fmt.Sprintf("c%02x", c)), name: u('[', c, ']'), start: base, end: base})
	}
	all = append(all, 0x7f)
	everything := u(all...)
	spans = append(spans, withTags(spanCase{id: everything, parent: everything, name: everything, start: base, end: base}, tag{everything, everything}))
	return traceCase{id: s("control").plus(everything), spans: spans}
}

// Every insertion order of five keys whose UTF-16 and UTF-8 orders differ: Go always writes
// U+E000 < U+FF01 (！) < U+FFFF < U+1F600 (😀), where UTF-16 puts 😀's surrogates first.
func tagOrderings() traceCase {
	keys := []str{s("😀"), s("\ue000"), s("！"), s("z"), s("\uffff")}
	var spans []spanCase
	permute(keys, 0, func(order []str) {
		tags := make([]tag, len(order))
		for i, k := range order {
			tags[i] = tag{k, s("value of ").plus(k)}
		}
		spans = append(spans, withTags(spanCase{id: s(fmt.Sprintf("p%03d", len(spans))), name: s("permutation"), start: base, end: base}, tags...))
	})
	return traceCase{id: s("tag-orderings"), spans: spans}
}

func permute(items []str, k int, visit func([]str)) {
	if k == len(items) {
		visit(items)
		return
	}
	for i := k; i < len(items); i++ {
		items[k], items[i] = items[i], items[k]
		permute(items, k+1, visit)
		items[k], items[i] = items[i], items[k]
	}
}

// Keys across every UTF-8 length, prefixes of each other, and lone surrogates, which Go's keys
// hold as U+FFFD, inserted in reverse of Go's order.
func tagKeysUtf8Order() traceCase {
	keys := []str{
		s(""), s("\x00"), s("\x1f"), s(" "), s("A"), s("Z"), s("a"), s("a\x00"), s("aa"), s("ab"), s("b"),
		s("\u007f"), s("\u0080"), s("é"), s("\u07ff"), s("\u0800"), s("漢"), s("\ud7ff"), s("\ue000"), s("\uff01"),
		u(0xD83D, 0xE000), s("\ufffe"), s("\U00010000"), s("😀"), s("😀a"), u(0xD83D, 0xDE01), s("\U0010FFFF"),
	}
	tags := make([]tag, 0, len(keys)+1)
	for i := len(keys) - 1; i >= 0; i-- {
		tags = append(tags, tag{keys[i], s(fmt.Sprintf("%d", i))})
	}
	lone := withTags(spanCase{id: s("lone"), name: s("lone surrogate key sorts as U+FFFD"), start: base, end: base},
		tag{s("\uffff"), s("after")}, tag{u(0xDC00), s("lone")}, tag{s("\ufffe"), s("before")}, tag{s("\U00010000"), s("supplementary")})
	return traceCase{id: s("tag-keys-utf8-order"), spans: []spanCase{
		withTags(spanCase{id: s("all"), name: s("reverse insertion"), start: base, end: base}, tags...),
		lone,
	}}
}

func timesSpan(id string, start, end time.Time) spanCase {
	return spanCase{id: s(id), name: s(id), start: start, end: end}
}

// 0 to 7 fraction digits (all that .NET's 100 ns ticks hold), trailing zeros trimmed.
func fractionDigits() traceCase {
	nanos := []int{0, 100_000_000, 120_000_000, 123_000_000, 123_400_000, 123_450_000, 123_456_000, 123_456_700,
		100, 1_000, 10_000_000, 900_000_000, 999_999_900, 500_000_100}
	spans := make([]spanCase, len(nanos))
	for i, n := range nanos {
		t := base.Add(time.Duration(n))
		spans[i] = timesSpan(fmt.Sprintf("ns-%09d", n), t, t.Add(time.Duration(i)*time.Hour+time.Duration(i*100)))
	}
	return traceCase{id: s("times-fraction-digits"), spans: spans}
}

// The same instants in other zones: Go writes the zone's offset, Z only for offset zero. Only
// whole-minute offsets within ±14:00 are here, all that .NET's DateTimeOffset holds.
func offsets() traceCase {
	zones := []struct {
		name    string
		seconds int
	}{
		{"plus-02-00", 2 * 3600}, {"minus-04-30", -(4*3600 + 1800)}, {"plus-05-45", 5*3600 + 45*60},
		{"plus-14-00", 14 * 3600}, {"minus-12-00", -12 * 3600}, {"minus-00-01", -60}, {"named-zero", 0},
	}
	spans := make([]spanCase, len(zones))
	for i, z := range zones {
		loc := time.FixedZone(z.name, z.seconds)
		t := base.Add(time.Duration(i) * 123_400_000).In(loc)
		spans[i] = timesSpan(z.name, t, t.Add(90*time.Minute).In(loc))
	}
	return traceCase{id: s("times-offsets"), spans: spans}
}

func extremes() traceCase {
	plus14 := time.FixedZone("", 14*3600)
	minus12 := time.FixedZone("", -12*3600)
	max := time.Date(9999, 12, 31, 23, 59, 59, 999_999_900, time.UTC)
	return traceCase{id: s("times-extremes"), spans: []spanCase{
		timesSpan("zero-and-one-tick", zero, zero.Add(100)),
		timesSpan("max", max.Add(-100), max),
		timesSpan("year-one-in-plus-14", zero.In(plus14), zero.Add(time.Hour).In(plus14)),
		timesSpan("year-9999-in-minus-12", max.Add(-12*time.Hour).In(minus12), time.Date(9999, 12, 31, 11, 59, 59, 999_999_900, minus12)),
		timesSpan("years-999-and-1000", time.Date(999, 12, 31, 23, 59, 59, 0, time.UTC), time.Date(1000, 1, 1, 0, 0, 0, 0, time.UTC)),
		timesSpan("unix-epoch-and-leap-day", time.Unix(0, 0).UTC(), time.Date(2024, 2, 29, 23, 59, 59, 0, time.UTC)),
	}}
}

// Eight and nine fraction digits, which .NET cannot hold: its reader truncates them to 100 ns, so
// reading the first file and writing it back gives the second.
func nanoseconds(truncated bool) traceCase {
	nanos := []int{123_456_780, 123_456_789, 1, 99, 999_999_999, 100_000_001}
	spans := make([]spanCase, len(nanos))
	for i, n := range nanos {
		if truncated {
			n -= n % 100
		}
		t := base.Add(time.Duration(n))
		spans[i] = timesSpan(fmt.Sprintf("ns-%d", i), t, t.In(time.FixedZone("", 3600)))
	}
	return traceCase{id: s("times-nanoseconds"), spans: spans}
}

func unsetTimes() traceCase {
	return traceCase{id: s("unset-times"), spans: []spanCase{
		timesSpan("both-unset", zero, zero),
		timesSpan("end-unset", base, zero),
		timesSpan("start-unset", zero, base),
	}}
}

func emptyAndMissing() traceCase {
	return traceCase{id: s(""), spans: []spanCase{
		{id: s(""), parent: s(""), name: s("")},
		{id: s("nil-tags"), name: s("tags nil")},
		withTags(spanCase{id: s("empty-tags"), name: s("tags empty")}),
		withTags(spanCase{id: s("empty-key-and-value"), parent: s("nil-tags"), name: s("")}, tag{s(""), s("")}),
	}}
}

func nilSpanElements() traceCase {
	return traceCase{id: s("nil-span-elements"), spans: []spanCase{
		{nilSpan: true}, {id: s("a"), name: s("between nils"), start: base, end: base}, {nilSpan: true},
	}}
}

// .NET nulls forced into plain strings: Go holds "" there, and .NET writes what Go writes.
func nullStrings() traceCase {
	return traceCase{id: null, spans: []spanCase{
		{id: null, parent: null, name: null},
		withTags(spanCase{id: s("b"), parent: null, name: null}, tag{s("k"), null}, tag{null, s("v")}),
	}}
}

func largeNumbers() traceCase {
	durations := []int64{0, 1, -1, 9, 10, 99, 100, math.MaxInt32, math.MaxInt32 + 1, 1 << 53, 1<<53 + 1, 1e15, 1e18, -1e18, math.MaxInt64, math.MinInt64, math.MinInt64 + 1}
	spans := make([]spanCase, len(durations))
	for i, d := range durations {
		spans[i] = spanCase{id: s(fmt.Sprintf("d%02d", i)), name: s("duration"), duration: d}
	}
	return traceCase{id: s("large-numbers"), spans: spans}
}

// Strings long enough to cross any internal chunking, with escapes and surrogate pairs at every
// offset around powers of two.
func longStrings() traceCase {
	block := func(n int) str { return rep(s("x"), n) }
	var mixed []str
	for n := 1; n <= 8192; n *= 2 {
		mixed = append(mixed, block(n-1), s("😀"), block(n-2+n%2), s("<\u2028é"), u(0xD800))
	}
	return traceCase{id: s("long-strings"), spans: []spanCase{
		withTags(spanCase{id: s("mixed"), name: cat(mixed...), start: base, end: base}, tag{cat(mixed...), cat(mixed...)}),
		{id: s("escapes"), name: rep(s("<"), 20_000), start: base, end: base},
		{id: s("pairs"), name: rep(s("😀"), 20_000), start: base, end: base},
		{id: s("controls"), name: rep(u(0, 8, 31), 5_000), start: base, end: base},
		{id: s("ascii"), name: block(100_000), start: base, end: base},
	}}
}

// A deterministic big trace: ids from a linear congruential generator, a tree of parents, a few
// names with escapes, fractions of every length.
func manySpans(n int) traceCase {
	state := uint64(42)
	next := func() uint64 {
		state = state*6364136223846793005 + 1442695040888963407
		return state >> 11
	}
	names := []string{"GET /api/items", "DB: SELECT * FROM t WHERE a < 1 AND b > 2", "cache & queue", "rendre l'été", "😀 emoji"}
	spans := make([]spanCase, n)
	ids := make([]string, n)
	for i := range spans {
		ids[i] = fmt.Sprintf("%016x", next())
		parent := ""
		if i > 0 {
			parent = ids[(i-1)/2]
		}
		start := base.Add(time.Duration(next()%1_000_000_000_000) / 100 * 100)
		ms := int64(next() % 10_000)
		sc := span(ids[i], parent, names[i%len(names)], start, ms)
		switch i % 3 {
		case 1:
			sc = withTags(sc, kv("i", fmt.Sprint(i)))
		case 2:
			sc = withTags(sc, kv("z", "last"), kv("a", "first"), kv("m<id>", fmt.Sprint(i)))
		}
		spans[i] = sc
	}
	return traceCase{id: s("spans-10000"), spans: spans}
}
