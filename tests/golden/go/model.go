package main

import (
	"sync"
	"time"
	"unicode/utf16"
)

// Span and Trace are the upstream structs, field for field and tag for tag, copied from
// github.com/spdeepak/flowtracker's flowtracker.go (commit 5de9233) so that generating needs no
// module download. Only these two types decide what json.Marshal writes.
type Span struct {
	ID        string            `json:"span_id"`
	ParentID  string            `json:"parent_id,omitempty"`
	Name      string            `json:"name"`
	StartTime time.Time         `json:"start_time"`
	EndTime   time.Time         `json:"end_time"`
	Duration  int64             `json:"duration_ms"`
	Tags      map[string]string `json:"tags,omitempty"`
}

type Trace struct {
	TraceID string  `json:"trace_id"`
	Root    *Span   `json:"-"`
	Spans   []*Span `json:"spans"`
	mu      sync.Mutex
}

// str is a .NET string: UTF-16 code units, so lone surrogates can be described, or .NET's null.
// Go's string for it is utf16.Decode's, which turns a lone surrogate into U+FFFD as .NET's
// encoder does; null is Go's empty string.
type str struct {
	units []uint16
	null  bool
}

func s(text string) str            { return str{units: utf16.Encode([]rune(text))} }
func u(units ...uint16) str        { return str{units: units} }
func rep(part str, times int) str  { return cat(repeat(part, times)...) }
func (x str) goString() string     { return string(utf16.Decode(x.units)) }
func (x str) plus(more ...str) str { return cat(append([]str{x}, more...)...) }
func repeat(part str, times int) []str {
	parts := make([]str, times)
	for i := range parts {
		parts[i] = part
	}
	return parts
}

func cat(parts ...str) str {
	var units []uint16
	for _, part := range parts {
		units = append(units, part.units...)
	}
	return str{units: units}
}

var null = str{null: true}

type tag struct{ key, value str }

// spanCase is a span as .NET holds it. nilSpan is a nil *Span (a null element of .NET's list);
// tags nil is a nil map, tags non-nil and empty an empty map (both omitted by Go).
type spanCase struct {
	nilSpan    bool
	id, parent str
	name       str
	start, end time.Time
	duration   int64
	tags       []tag
	tagsSet    bool
}

type traceCase struct {
	id       str
	spans    []spanCase
	nilSpans bool
}

func (c traceCase) goTrace() *Trace {
	trace := &Trace{TraceID: c.id.goString()}
	if c.nilSpans {
		return trace
	}
	trace.Spans = make([]*Span, 0, len(c.spans))
	for _, sc := range c.spans {
		if sc.nilSpan {
			trace.Spans = append(trace.Spans, nil)
			continue
		}
		span := &Span{
			ID:        sc.id.goString(),
			ParentID:  sc.parent.goString(),
			Name:      sc.name.goString(),
			StartTime: sc.start,
			EndTime:   sc.end,
			Duration:  sc.duration,
		}
		if sc.tagsSet || len(sc.tags) > 0 {
			span.Tags = make(map[string]string, len(sc.tags))
			for _, t := range sc.tags {
				span.Tags[t.key.goString()] = t.value.goString()
			}
		}
		trace.Spans = append(trace.Spans, span)
	}
	return trace
}

func withTags(sc spanCase, tags ...tag) spanCase {
	sc.tags = tags
	sc.tagsSet = true
	return sc
}
