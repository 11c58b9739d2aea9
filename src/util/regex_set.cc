// Regular-expression sets on RE2 (see regex_set.h): the one C++ file, with a
// C interface, so the rest of the program stays C.
#include "config.h"

#include <cctype>
#include <cstdio>
#include <cstring>
#include <memory>
#include <new>
#include <string>
#include <vector>

#include <re2/re2.h>
#include <re2/set.h>

#include "util/regex_set.h"

namespace {

// Memory one pattern may take to compile; RE2 refuses a larger program
// instead of growing (glibc's regcomp takes gigabytes on ((a+)+)+ or a+++).
const int64_t PATTERN_BUDGET = 16 << 20;
// And the set of all of them, compiled together for one pass per path.
const int64_t SET_BUDGET = 256 << 20;

// regcomp(3)'s reading of a pattern with REG_EXTENDED, on bytes.
RE2::Options posix_options(int64_t budget)
{
	RE2::Options o;

	o.set_posix_syntax(true);
	o.set_longest_match(true);
	o.set_one_line(true); // ^ and $ match only at the ends, not at newlines
	o.set_dot_nl(true);   // regexec without REG_NEWLINE: '.' matches '\n'
	o.set_encoding(RE2::Options::EncodingLatin1); // paths are bytes
	o.set_log_errors(false);
	o.set_max_mem(budget);
	return o;
}

// clamd compiles ExcludePath with its own copy of Henry Spencer's regcomp,
// where a backslash outside brackets makes any character ordinary ("\a" is
// "a", "\1" is "1") and inside brackets is itself ordinary. RE2 refuses an
// escaped letter or digit and reads a backslash in brackets as an escape:
// rewrite those two cases so RE2 reads what clamd reads.
std::string as_clamd_reads(const char *pattern)
{
	std::string out;
	bool in_bracket = false;

	for (const char *p = pattern; *p != '\0'; p++) {
		unsigned char c = static_cast<unsigned char>(*p);

		if (in_bracket) {
			if (c == '\\')
				out += "\\\\";
			else if (c == '[' && (p[1] == ':' || p[1] == '.' || p[1] == '=')) {
				// [:class:], [.coll.], [=equiv=] pass whole
				const char *end = strstr(p + 2, p[1] == ':' ? ":]" : p[1] == '.' ? ".]" : "=]");

				if (end == nullptr) {
					out += *p;
					continue;
				}
				out.append(p, static_cast<size_t>(end + 2 - p));
				p = end + 1;
			} else {
				if (c == ']')
					in_bracket = false;
				out += *p;
			}
			continue;
		}
		if (c == '\\' && p[1] != '\0') {
			unsigned char next = static_cast<unsigned char>(p[1]);

			if (std::isalnum(next))
				out += p[1]; // an ordinary letter or digit
			else
				out.append(p, 2);
			p++;
			continue;
		}
		out += *p;
		if (c == '[') {
			in_bracket = true;
			// "[]..." and "[^]...": that first ']' is a member, not the end
			if (p[1] == '^') {
				out += *++p;
			}
			if (p[1] == ']')
				out += *++p;
		}
	}
	return out;
}

} // namespace

struct regex_set {
	std::vector<std::unique_ptr<RE2>> each; // for errors, and when the set cannot be used
	std::unique_ptr<RE2::Set> all;
	bool compiled = false;
	bool set_usable = false;
};

extern "C" struct regex_set *regex_set_new(char *err, size_t errlen)
{
	struct regex_set *s = new (std::nothrow) regex_set();

	if (s == nullptr)
		snprintf(err, errlen, "out of memory");
	return s;
}

extern "C" int regex_set_add(struct regex_set *s, const char *pattern, char *err, size_t errlen)
{
	try {
		std::unique_ptr<RE2> re(new RE2(as_clamd_reads(pattern), posix_options(PATTERN_BUDGET)));

		if (!re->ok()) {
			snprintf(err, errlen, "%s", re->error().c_str());
			return -1;
		}
		s->each.push_back(std::move(re));
		s->compiled = false;
		return 0;
	} catch (const std::bad_alloc &) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
}

extern "C" size_t regex_set_size(const struct regex_set *s)
{
	return s->each.size();
}

// Builds the combined set once, after the last pattern was added; when it
// cannot be built the patterns are tried one by one instead.
static void compile_set(struct regex_set *s)
{
	s->compiled = true;
	s->set_usable = false;
	try {
		s->all.reset(new RE2::Set(posix_options(SET_BUDGET), RE2::UNANCHORED));
		for (const auto &re : s->each)
			if (s->all->Add(re->pattern(), nullptr) < 0)
				return;
		s->set_usable = s->all->Compile();
	} catch (const std::bad_alloc &) {
		s->all.reset();
	}
}

extern "C" bool regex_set_match(struct regex_set *s, const char *text, size_t len)
{
	re2::StringPiece piece(text, len);

	if (s->each.empty())
		return false;
	if (!s->compiled)
		compile_set(s);
	if (s->set_usable) {
		RE2::Set::ErrorInfo info;

		if (s->all->Match(piece, nullptr, &info))
			return true;
		if (info.kind == RE2::Set::kNoError)
			return false;
		// the set's DFA ran out of its memory: the single patterns fall
		// back to RE2's NFA, which needs none
	}
	for (const auto &re : s->each)
		if (RE2::PartialMatch(piece, *re))
			return true;
	return false;
}

extern "C" void regex_set_free(struct regex_set *s)
{
	delete s;
}
