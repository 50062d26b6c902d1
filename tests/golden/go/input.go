package main

import (
	"fmt"
	"strings"
	"time"
)

// writeInput describes a case without JSON, so the .NET test builds its Trace from this text
// and never from a JSON decoder: one field per line, in a fixed order; a string is "…" with
// printable ASCII as is and every other UTF-16 code unit (and '"', '\') as \uXXXX, or null;
// a time is Unix seconds, nanoseconds and the zone offset in seconds.
func writeInput(c traceCase) string {
	var b strings.Builder
	b.WriteString("flowtracker-golden-input 1\n")
	fmt.Fprintf(&b, "trace_id %s\n", quote(c.id))
	if c.nilSpans {
		b.WriteString("spans null\n")
		return b.String()
	}
	fmt.Fprintf(&b, "spans %d\n", len(c.spans))
	for _, sc := range c.spans {
		if sc.nilSpan {
			b.WriteString("span null\n")
			continue
		}
		b.WriteString("span\n")
		fmt.Fprintf(&b, "span_id %s\n", quote(sc.id))
		fmt.Fprintf(&b, "parent_id %s\n", quote(sc.parent))
		fmt.Fprintf(&b, "name %s\n", quote(sc.name))
		fmt.Fprintf(&b, "start_time %s\n", timeFields(sc.start))
		fmt.Fprintf(&b, "end_time %s\n", timeFields(sc.end))
		fmt.Fprintf(&b, "duration_ms %d\n", sc.duration)
		switch {
		case !sc.tagsSet && len(sc.tags) == 0:
			b.WriteString("tags null\n")
		default:
			fmt.Fprintf(&b, "tags %d\n", len(sc.tags))
			for _, t := range sc.tags {
				fmt.Fprintf(&b, "tag %s %s\n", quote(t.key), quote(t.value))
			}
		}
	}
	return b.String()
}

func quote(x str) string {
	if x.null {
		return "null"
	}
	var b strings.Builder
	b.WriteByte('"')
	for _, unit := range x.units {
		if unit >= 0x20 && unit <= 0x7e && unit != '"' && unit != '\\' {
			b.WriteByte(byte(unit))
		} else {
			fmt.Fprintf(&b, `\u%04X`, unit)
		}
	}
	b.WriteByte('"')
	return b.String()
}

func timeFields(t time.Time) string {
	_, offset := t.Zone()
	return fmt.Sprintf("%d %d %d", t.Unix(), t.Nanosecond(), offset)
}
