// Command golden writes the golden files of the FlowTracker wire format: for each case, the
// trace described without JSON (<name>.trace) and the bytes Go's encoding/json writes for it
// (<name>.json). Run from this folder: go run . ../files
package main

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
)

// bigFile is the size above which a case's two files are written gzipped, to keep the repository small.
const bigFile = 64 * 1024

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: go run . <output folder>")
		os.Exit(2)
	}
	dir := os.Args[1]
	for _, c := range cases() {
		trace := c.trace.goTrace()
		marshalled, err := json.Marshal(trace)
		if err != nil {
			fail(c.name, err)
		}
		checkDecodesBack(c.name, trace, marshalled)
		input, output := []byte(writeInput(c.trace)), asGo124(marshalled)
		if len(input) > bigFile || len(output) > bigFile {
			input, output = gzipped(input), gzipped(output)
			c.name += ".gz"
		}
		write(filepath.Join(dir, strings.TrimSuffix(c.name, ".gz")+".trace"+filepath.Ext(c.name)), input)
		write(filepath.Join(dir, strings.TrimSuffix(c.name, ".gz")+".json"+filepath.Ext(c.name)), output)
	}
	fmt.Printf("wrote %d cases with %s (control characters as Go 1.22+ writes them)\n", len(cases()), runtime.Version())
}

// asGo124 turns the one thing Go before 1.22 writes differently into what Go 1.22 to 1.24 write:
// U+0008 and U+000C as \b and \f rather than \u0008 and \u000c. Escapes are walked pairwise, so
// an escaped backslash followed by the text "u0008" is left alone.
func asGo124(in []byte) []byte {
	out := make([]byte, 0, len(in))
	for i := 0; i < len(in); i++ {
		if in[i] != '\\' {
			out = append(out, in[i])
			continue
		}
		switch {
		case bytes.HasPrefix(in[i:], []byte(`\u0008`)):
			out = append(out, '\\', 'b')
			i += 5
		case bytes.HasPrefix(in[i:], []byte(`\u000c`)):
			out = append(out, '\\', 'f')
			i += 5
		default:
			out = append(out, in[i], in[i+1])
			i++
		}
	}
	return out
}

// checkDecodesBack guards the generator itself: Go reads its bytes back into an equal trace.
func checkDecodesBack(name string, trace *Trace, marshalled []byte) {
	var read Trace
	if err := json.Unmarshal(marshalled, &read); err != nil {
		fail(name, err)
	}
	again, err := json.Marshal(&read)
	if err != nil {
		fail(name, err)
	}
	if !bytes.Equal(again, marshalled) {
		fail(name, fmt.Errorf("bytes differ after a round trip"))
	}
	if len(read.Spans) != len(trace.Spans) || (trace.Spans == nil) != (read.Spans == nil) {
		fail(name, fmt.Errorf("spans differ after a round trip"))
	}
	for i := range trace.Spans {
		if (trace.Spans[i] == nil) != (read.Spans[i] == nil) {
			fail(name, fmt.Errorf("span %d differs after a round trip", i))
		}
		if trace.Spans[i] != nil && !reflect.DeepEqual(trace.Spans[i].Tags, read.Spans[i].Tags) && len(trace.Spans[i].Tags) > 0 {
			fail(name, fmt.Errorf("tags of span %d differ after a round trip", i))
		}
	}
}

func gzipped(content []byte) []byte {
	var b bytes.Buffer
	w, _ := gzip.NewWriterLevel(&b, gzip.BestCompression)
	if _, err := w.Write(content); err != nil {
		fail("gzip", err)
	}
	if err := w.Close(); err != nil {
		fail("gzip", err)
	}
	return b.Bytes()
}

func write(path string, content []byte) {
	if err := os.WriteFile(path, content, 0o644); err != nil {
		fail(path, err)
	}
}

func fail(name string, err error) {
	fmt.Fprintf(os.Stderr, "%s: %v\n", name, err)
	os.Exit(1)
}
