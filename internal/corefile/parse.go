package corefile

import (
	"fmt"
	"path"
	"slices"
	"sort"
	"strings"

	"github.com/coredns/caddy/caddyfile"
)

// This file groups a Corefile's tokens into server blocks and directives. It
// is a port of coredns/caddy v1.1.4 caddyfile/parse.go (parser.parseAll …
// doImport), the code caddyfile.Parse runs, with two changes:
//
//   - `import` reads files from an in-memory file system (the Corefile and
//     the coredns-custom keys) instead of the disk, with the same glob
//     semantics (filepath.Glob: sorted matches, at most one wildcard, an
//     empty glob is not an error, a missing literal file is);
//   - each use of a directive is kept apart, with its tokens' file and line,
//     where caddyfile.ServerBlock merges all uses of a directive into one
//     token list and loses the order between directives.
//
// Lexing is caddyfile's own (caddyfile.NewDispenser), and every directive's
// arguments are read with caddyfile.Dispenser, as CoreDNS's setup functions
// do. parse_test.go checks the grouping against caddyfile.Parse.

type token = caddyfile.Token

// Where the AKS CoreDNS pod finds its configuration: the Deployment runs
// `coredns -conf /etc/coredns/Corefile` and mounts coredns-custom at
// /etc/coredns/custom, which is what `import custom/*.server` resolves to
// relative to the Corefile (kubernetes-dns.md §3.2; inference from the
// import plugin README: paths are relative to the importing file).
const (
	corefilePath = "/etc/coredns/Corefile"
	customDir    = "/etc/coredns/custom"
)

// vfs is the file system imports read from.
type vfs struct {
	files map[string]string
	lexed map[string][]token
}

func newVFS() *vfs { return &vfs{files: map[string]string{}, lexed: map[string][]token{}} }

func (v *vfs) add(name, content string) { v.files[name] = content }

func (v *vfs) remove(name string) { delete(v.files, name) }

// glob is filepath.Glob on the in-memory files: the matches in sorted order.
func (v *vfs) glob(pattern string) ([]string, error) {
	if _, err := path.Match(pattern, ""); err != nil {
		return nil, err
	}
	var out []string
	for name := range v.files {
		if ok, _ := path.Match(pattern, name); ok {
			out = append(out, name)
		}
	}
	sort.Strings(out)
	return out, nil
}

// tokens lexes a file with caddyfile's lexer; every token carries the file
// name, as caddyfile does for imported files.
func (v *vfs) tokens(name string) []token {
	if t, ok := v.lexed[name]; ok {
		return slices.Clone(t)
	}
	d := caddyfile.NewDispenser(name, strings.NewReader(v.files[name]))
	var toks []token
	for d.Next() {
		toks = append(toks, token{File: name, Line: d.Line(), Text: d.Val()})
	}
	v.lexed[name] = toks
	return slices.Clone(toks)
}

// rawBlock is a server block: its addresses and its directives in the
// order they were written (imports expanded).
type rawBlock struct {
	keys []token
	dirs []*rawDirective
}

// rawDirective is one use of a directive: its name token, arguments and
// block, as caddyfile collects them.
type rawDirective struct {
	name    string
	toks    []token
	unknown bool
}

// tokErr is a parse error at a token.
type tokErr struct {
	tok token
	msg string
}

func (e *tokErr) Error() string { return e.msg }

// Caps on import expansion. caddyfile allows 10000 snippet and 100000 file
// expansions; a coredns-custom key importing itself reaches the file cap,
// so it is lower here to fail fast.
const (
	maxSnippetExpansions = 10000
	maxFileExpansions    = 1000
)

type parser struct {
	tokens []token
	cursor int
	fs     *vfs

	block             rawBlock
	eof               bool
	snippets          map[string][]token
	snippetExpansions int
	fileExpansions    int

	unknown []*tokErr // unknown directives: reported, the rest still parsed
	envRefs []token   // tokens that referenced {$ENV} variables
}

func newParser(fs *vfs, main string) *parser {
	return &parser{tokens: fs.tokens(main), cursor: -1, fs: fs}
}

// Dispenser primitives, as caddyfile/dispenser.go.

func (p *parser) next() bool {
	if p.cursor < len(p.tokens)-1 {
		p.cursor++
		return true
	}
	return false
}

func (p *parser) numLineBreaks(i int) int {
	if i < 0 || i >= len(p.tokens) {
		return 0
	}
	return strings.Count(p.tokens[i].Text, "\n")
}

func (p *parser) nextArg() bool {
	if p.cursor < 0 {
		p.cursor++
		return true
	}
	if p.cursor >= len(p.tokens) {
		return false
	}
	if p.cursor < len(p.tokens)-1 &&
		p.tokens[p.cursor].File == p.tokens[p.cursor+1].File &&
		p.tokens[p.cursor].Line+p.numLineBreaks(p.cursor) == p.tokens[p.cursor+1].Line {
		p.cursor++
		return true
	}
	return false
}

func (p *parser) val() string {
	if p.cursor < 0 || p.cursor >= len(p.tokens) {
		return ""
	}
	return p.tokens[p.cursor].Text
}

func (p *parser) isNewLine() bool {
	if p.cursor < 1 {
		return true
	}
	if p.cursor > len(p.tokens)-1 {
		return false
	}
	return p.tokens[p.cursor-1].File != p.tokens[p.cursor].File ||
		p.tokens[p.cursor-1].Line+p.numLineBreaks(p.cursor-1) < p.tokens[p.cursor].Line
}

// cur is the token errors point at.
func (p *parser) cur() token {
	switch {
	case p.cursor >= 0 && p.cursor < len(p.tokens):
		return p.tokens[p.cursor]
	case len(p.tokens) > 0:
		return p.tokens[len(p.tokens)-1]
	}
	return token{File: corefilePath}
}

func (p *parser) errf(format string, args ...any) *tokErr {
	return &tokErr{tok: p.cur(), msg: fmt.Sprintf(format, args...)}
}

func (p *parser) argErr() *tokErr {
	if p.val() == "{" {
		return p.errf("Unexpected token '{', expecting argument")
	}
	return p.errf("Wrong argument count or unexpected line ending after '%s'", p.val())
}

func (p *parser) syntaxErr(expected string) *tokErr {
	return p.errf("Syntax error: Unexpected token '%s', expecting '%s'", p.val(), expected)
}

// The parser proper, as caddyfile/parse.go.

func (p *parser) parseAll() ([]rawBlock, *tokErr) {
	var blocks []rawBlock
	for p.next() {
		if err := p.parseOne(); err != nil {
			return blocks, err
		}
		if len(p.block.keys) > 0 {
			blocks = append(blocks, p.block)
		}
	}
	return blocks, nil
}

func (p *parser) parseOne() *tokErr {
	p.block = rawBlock{}
	return p.begin()
}

func (p *parser) begin() *tokErr {
	if len(p.tokens) == 0 {
		return nil
	}
	if err := p.addresses(); err != nil {
		return err
	}
	if p.eof {
		return nil // a line of addresses and nothing else
	}
	if ok, name := p.isSnippet(); ok {
		if p.snippets == nil {
			p.snippets = map[string][]token{}
		}
		if _, found := p.snippets[name]; found {
			return p.errf("redeclaration of previously declared snippet %s", name)
		}
		toks, err := p.snippetTokens()
		if err != nil {
			return err
		}
		for i := 0; i+1 < len(toks); i++ {
			if toks[i].Text == "import" {
				atLineStart := i == 0 || toks[i-1].File != toks[i].File || toks[i-1].Line != toks[i].Line
				if atLineStart && p.env(toks[i+1]) == name {
					return p.errf("maximum snippet import depth (%d) exceeded", maxSnippetExpansions)
				}
			}
		}
		p.snippets[name] = toks
		p.block.keys = nil // a snippet is not a server block
		return nil
	}
	return p.blockContents()
}

func (p *parser) addresses() *tokErr {
	var expectingAnother bool
	for {
		tkn := ""
		if p.cursor >= 0 && p.cursor < len(p.tokens) {
			tkn = p.env(p.tokens[p.cursor])
		}

		// import replaces tokens at parse time
		if tkn == "import" && p.isNewLine() {
			if err := p.doImport(); err != nil {
				return err
			}
			continue
		}

		// an open brace ends the addresses
		if tkn == "{" {
			if expectingAnother {
				return p.errf("Expected another address but had '%s' - check for extra comma", tkn)
			}
			break
		}

		if tkn != "" {
			// a trailing comma announces another address, maybe on the next line
			if tkn[len(tkn)-1] == ',' {
				tkn = tkn[:len(tkn)-1]
				expectingAnother = true
			} else {
				expectingAnother = false
			}
			k := p.cur()
			k.Text = tkn
			p.block.keys = append(p.block.keys, k)
		}

		hasNext := p.next()
		if expectingAnother && !hasNext {
			return p.errf("Unexpected EOF")
		}
		if !hasNext {
			p.eof = true
			break
		}
		if !expectingAnother && p.isNewLine() {
			break
		}
	}
	return nil
}

func (p *parser) blockContents() *tokErr {
	open := p.val() == "{"
	if !open {
		p.cursor-- // single-server configs don't need curly braces
	}
	if err := p.directives(); err != nil {
		return err
	}
	if open && p.val() != "}" {
		return p.syntaxErr("}")
	}
	return nil
}

func (p *parser) directives() *tokErr {
	for p.next() {
		if p.val() == "}" {
			break // end of the server block
		}
		if p.val() == "import" {
			if err := p.doImport(); err != nil {
				return err
			}
			p.cursor--
			continue
		}
		if err := p.directive(); err != nil {
			return err
		}
	}
	return nil
}

// doImport replaces `import PATTERN` (two tokens) with the tokens of the
// snippet or of the files PATTERN matches; the cursor is left on the first
// imported token.
func (p *parser) doImport() *tokErr {
	if !p.nextArg() {
		return p.argErr()
	}
	pattern := p.env(p.cur())
	if pattern == "" {
		return p.errf("Import requires a non-empty filepath")
	}
	if p.nextArg() {
		return p.errf("Import takes only one argument (glob pattern or file)")
	}
	before := p.tokens[:p.cursor-1]
	after := p.tokens[p.cursor+1:]
	var imported []token

	if toks, ok := p.snippets[pattern]; ok {
		if p.snippetExpansions >= maxSnippetExpansions {
			return p.errf("maximum snippet import depth (%d) exceeded", maxSnippetExpansions)
		}
		p.snippetExpansions++
		imported = slices.Clone(toks)
	} else {
		if p.fileExpansions >= maxFileExpansions {
			return p.errf("maximum file import depth (%d) exceeded", maxFileExpansions)
		}
		p.fileExpansions++
		glob := pattern
		if !path.IsAbs(glob) {
			glob = path.Join(path.Dir(p.cur().File), pattern)
		}
		if strings.Count(glob, "*") > 1 || strings.Count(glob, "?") > 1 ||
			(strings.Contains(glob, "[") && strings.Contains(glob, "]")) {
			return p.errf("Glob pattern may only contain one wildcard (*), but has others: %s", glob)
		}
		matches, err := p.fs.glob(glob)
		if err != nil {
			return p.errf("Failed to use import pattern %s: %v", pattern, err)
		}
		if len(matches) == 0 && !strings.ContainsAny(glob, "*?[]") {
			return p.errf("File to import not found: %s", pattern)
		}
		for _, m := range matches {
			imported = append(imported, p.fs.tokens(m)...)
		}
	}

	toks := make([]token, 0, len(before)+len(imported)+len(after))
	toks = append(toks, before...)
	toks = append(toks, imported...)
	toks = append(toks, after...)
	p.tokens = toks
	p.cursor--
	return nil
}

// directive collects one use of a directive: its line, and its block if it
// opens one.
func (p *parser) directive() *tokErr {
	dir := p.env(p.cur())
	d := &rawDirective{name: dir, toks: []token{p.tokens[p.cursor]}}
	if Order(dir) < 0 {
		d.unknown = true
		p.unknown = append(p.unknown, p.errf("Unknown directive '%s'", dir))
	}
	nesting := 0
	for p.next() {
		v := p.val()
		switch {
		case v == "{":
			nesting++
		case p.isNewLine() && nesting == 0:
			p.cursor-- // read too far
			p.block.dirs = append(p.block.dirs, d)
			return nil
		case v == "}" && nesting > 0:
			nesting--
		case v == "}" && nesting == 0:
			return p.errf("Unexpected '}' because no matching opening brace")
		case v == "import" && p.isNewLine():
			if err := p.doImport(); err != nil {
				return err
			}
			p.cursor--
			continue
		}
		t := p.tokens[p.cursor]
		t.Text = p.env(t)
		p.tokens[p.cursor] = t
		d.toks = append(d.toks, t)
	}
	if nesting > 0 {
		return p.errf("Unexpected EOF")
	}
	p.block.dirs = append(p.block.dirs, d)
	return nil
}

func (p *parser) isSnippet() (bool, string) {
	k := p.block.keys
	if len(k) == 1 && strings.HasPrefix(k[0].Text, "(") && strings.HasSuffix(k[0].Text, ")") {
		return true, strings.TrimSuffix(k[0].Text[1:], ")")
	}
	return false, ""
}

func (p *parser) snippetTokens() ([]token, *tokErr) {
	if p.val() != "{" {
		return nil, p.syntaxErr("{")
	}
	count := 1
	toks := []token{}
	for p.next() {
		if p.val() == "}" {
			count--
			if count == 0 {
				break
			}
		}
		if p.val() == "{" {
			count++
		}
		toks = append(toks, p.tokens[p.cursor])
	}
	if count != 0 {
		return nil, p.syntaxErr("}")
	}
	return toks, nil
}

// env replaces {$VAR} and {%VAR%} references the way caddyfile does. The
// CoreDNS pod's environment is not modelled: every variable is empty, and
// the reference is reported as a warning.
func (p *parser) env(t token) string {
	s := t.Text
	for _, ref := range [][2]string{{"{%", "%}"}, {"{$", "}"}} {
		r := replaceEnvReferences(s, ref[0], ref[1])
		if r != s {
			p.envRefs = append(p.envRefs, t)
			s = r
		}
	}
	return s
}

// replaceEnvReferences is caddyfile's, with an empty environment.
func replaceEnvReferences(s, refStart, refEnd string) string {
	index := strings.Index(s, refStart)
	for index != -1 {
		endIndex := strings.Index(s[index:], refEnd)
		if endIndex == -1 {
			break
		}
		endIndex += index
		if endIndex > index+len(refStart) {
			ref := s[index : endIndex+len(refEnd)]
			s = strings.ReplaceAll(s, ref, "")
		} else {
			return s
		}
		index = strings.Index(s, refStart)
	}
	return s
}
