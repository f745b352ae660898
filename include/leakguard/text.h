/* text.h: decoding of input bytes to UTF-8 (BOM, UTF-16, CP932, EUC-JP,
 * ISO-2022-JP, anything iconv knows) and the character folding that lets
 * full-width digits, letters and hyphen look-alikes match as ASCII. */
#ifndef LEAKGUARD_TEXT_H
#define LEAKGUARD_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "leakguard/leakguard.h"

/* What the first bytes of an input say about it. */
typedef struct lg_sniff {
	char encoding[32]; /* iconv name; "UTF-8" needs no conversion */
	size_t bom_len;	   /* bytes of byte-order mark to skip */
	bool binary;	   /* NUL bytes or control noise: not text */
	/* UTF-8 found valid: the sample's first utf8_valid bytes are whole,
	 * valid characters (its end may cut one more); 0 when not checked */
	size_t utf8_valid;
} lg_sniff;

/* Guesses the encoding of `p[0..n)`, the first bytes of an input (64 KiB is
 * plenty). Order: BOM, UTF-16 without BOM by its NUL pattern, binary,
 * ISO-2022-JP escapes, valid UTF-8, then uchardet. Shift_JIS is reported as
 * CP932, which is what Windows and Excel write. Never fails. */
void lg_text_sniff(const uint8_t *p, size_t n, lg_sniff *out);

/* Counts of bytes a decoder could not convert. */
typedef struct lg_decode_stats {
	uint64_t invalid;	/* invalid sequences, each replaced by U+FFFD */
	uint64_t first_invalid; /* input byte offset of the first one */
	bool truncated;		/* input ended inside a multibyte character */
	uint64_t truncated_at;	/* input byte offset of that character */
} lg_decode_stats;

typedef struct lg_decoder lg_decoder;

/* Opens a streaming decoder from `encoding` to UTF-8. Returns NULL and
 * writes the reason to err when iconv does not know the encoding. */
lg_decoder *lg_decoder_new(const char *encoding, char *err, size_t errlen);
/* Decodes `in[0..n)`, appending UTF-8 to *out (grown with realloc; *cap is
 * its size). Bytes of a character split across calls are kept for the next
 * call; at `eof` they count as truncated. Returns LG_OK, or LG_ENOMEM. */
lg_status lg_decoder_feed(lg_decoder *d, const uint8_t *in, size_t n, bool eof,
			  uint8_t **out, size_t *len, size_t *cap,
			  lg_decode_stats *st);
void lg_decoder_free(lg_decoder *d);

/* Text whose lines are not all in its encoding (mixed.c): a UTF-8 text's
 * lines in CP932 or EUC-JP (a log an older program appends to, exports
 * joined), a legacy text's lines in UTF-8, each read as what it is
 * well-formed in. A line with bytes its own encoding does not take is
 * decoded in the other when every character converts and (for CP932 and
 * EUC-JP) most are kana and common kanji; a legacy text's line is UTF-8
 * when valid, not ASCII, and not common Japanese in its own encoding. A
 * line is decided on its first 64 KiB. */
typedef struct lg_mixed lg_mixed;

/* Invalid bytes of UTF-8 text read in pieces, as lg_decode_stats counts
 * a decoder's: each byte that starts no valid character counts once. */
typedef struct lg_utf8_tally {
	uint64_t invalid, first_invalid; /* the first's input offset */
	uint64_t consumed;		 /* input bytes counted */
	size_t ncarry;	    /* a character the last piece ended inside */
	size_t known_valid; /* bytes ahead known valid (a sniff's sample) */
} lg_utf8_tally;
/* Counts p[0..n); at eof a character cut by the end is invalid. */
void lg_utf8_tally_add(lg_utf8_tally *t, const uint8_t *p, size_t n, bool eof);
/* Passes n bytes not counted (read in another encoding). */
void lg_utf8_tally_skip(lg_utf8_tally *t, size_t n);

typedef struct lg_mixed_stats {
	uint64_t lines;	       /* lines read in the other encoding */
	uint64_t first_line;   /* the first's input offset */
	char encoding[16];     /* the first's: CP932, EUC-JP-MS or UTF-8 */
	lg_decode_stats other; /* characters those lines did not convert */
	/* decoded bytes less input bytes: all, and of the lines starting
	 * before the mark (a cut file's part: its prefix's) */
	int64_t grow, grow_before_mark;
} lg_mixed_stats;

/* Whether encoding's lines stand alone (not UTF-16, ISO-2022-JP, ...). */
bool lg_mixed_supports(const char *encoding);
/* A reader of text in encoding ("UTF-8", or one lg_mixed_supports)
 * whose first byte is at input offset `at`. NULL (err says why) when
 * iconv does not know the encoding. */
lg_mixed *lg_mixed_new(const char *encoding, uint64_t at, uint64_t mark,
		       char *err, size_t errlen);
/* Appends the UTF-8 of in[0..n) to *out (grown with realloc; *cap its
 * size), a line's start held until its end (at eof, all is written). A
 * UTF-8 text's own lines are written as they are and their invalid
 * bytes counted in tally; a legacy text's decoded, counted in st.
 * LG_OK or LG_ENOMEM. */
lg_status lg_mixed_feed(lg_mixed *m, const uint8_t *in, size_t n, bool eof,
			uint8_t **out, size_t *len, size_t *cap,
			lg_utf8_tally *tally, lg_decode_stats *st);
const lg_mixed_stats *lg_mixed_stats_of(const lg_mixed *m);
void lg_mixed_free(lg_mixed *m);

/* Returns the length of the longest valid UTF-8 prefix of p[0..n). A
 * sequence cut off by the end of the buffer is not counted as invalid:
 * *incomplete is set to its length (0 when none). */
size_t lg_utf8_valid_prefix(const uint8_t *p, size_t n, size_t *incomplete);

/* Decodes one UTF-8 character at p (n > 0). Returns its length (1..4) and
 * the code point, or length 1 and U+FFFD for an invalid byte. */
size_t lg_utf8_decode(const uint8_t *p, size_t n, uint32_t *cp);

/* The start of the line after the first blank line (\n\n or \n\r\n) in
 * p[from..n), or n when there is none. A SIMD block at a time. */
size_t lg_after_blank_line(const uint8_t *p, size_t from, size_t n);

/* How many bytes of p[0..n) are c (newlines, a table's delimiters):
 * sixteen at a time. */
uint64_t lg_count_byte(const uint8_t *p, size_t n, uint8_t c);

/* lg_count_byte a step of `step` bytes (a multiple of 64, at most 8128)
 * at a time: for each whole step j, sums[j] is count plus the c in
 * p[0, (j + 1) * step); returns count plus the c in all of p[0..n). An
 * index of lines (the detector's window: its counts fit in 32 bits). */
uint32_t lg_count_byte_steps(const uint8_t *p, size_t n, uint8_t c, size_t step,
			     uint32_t count, uint32_t *sums);

/* Whether p[0..n) starts with E1-EC or EE-EF and two continuation bytes:
 * kana and most kanji, the common case of Japanese text, and always valid
 * (no overlong forms, no surrogates). */
static inline bool lg_utf8_common3(const uint8_t *p, size_t n)
{
	return n >= 3 && p[0] >= 0xE1 && p[0] <= 0xEF && p[0] != 0xED &&
	       (p[1] & 0xC0) == 0x80 && (p[2] & 0xC0) == 0x80;
}

/* The character at p (its length in *len): ASCII and the common
 * three-byte characters decoded in line, the rest (and broken sequences)
 * as lg_utf8_decode reads them. For loops over names and addresses. */
static inline uint32_t lg_utf8_char_at(const uint8_t *p, size_t n, size_t *len)
{
	if (p[0] < 0x80) {
		*len = 1;
		return p[0];
	}
	if (lg_utf8_common3(p, n)) {
		*len = 3;
		return ((uint32_t)(p[0] & 0x0F) << 12) |
		       ((uint32_t)(p[1] & 0x3F) << 6) | (p[2] & 0x3F);
	}
	uint32_t cp;
	*len = lg_utf8_decode(p, n, &cp);
	return cp;
}

/* The ASCII character a code point stands for in matching: full-width
 * digits, letters and punctuation, the hyphen look-alikes (- － ﹣ − ‐ ‑ ‒ –
 * — ― ⁃ ﹘ ⎯ ⏤ ─ ━ ー ｰ) and the ideographic space. Returns -1 when the code
 * point has no ASCII stand-in. ASCII maps to itself. */
int lg_fold_ascii(uint32_t cp);

/* Folds s[0..n) into out (at most cap-1 bytes, NUL-terminated): characters
 * with an ASCII stand-in become that byte, others are copied as UTF-8.
 * map[i] (when map is not NULL, cap entries) is the offset in s of the
 * character that produced out[i], and map[len] the offset just past the last
 * folded character. Returns the length written (len). */
size_t lg_fold(const uint8_t *s, size_t n, char *out, uint32_t *map,
	       size_t cap);
/* map[o] of lg_fold(s, n, ...) without the map, for any o up to folded,
 * the length lg_fold returned: the offset in s of the character that
 * produced out[o] (o at the end: just past the last folded character).
 * Costs a scan of s[0..o] for the characters that fold, none when nothing
 * folded; for the few offsets a validator keeps, where filling the whole
 * map costs each candidate. */
size_t lg_fold_offset(const uint8_t *s, size_t n, size_t folded, size_t o);

/* ---- HTML (html.c) ---------------------------------------------------------
 */
/* A page's text, streamed: tags dropped, character
 * references decoded, scripts and styles left out; comments, form values,
 * mailto:/tel: links, titles and alt texts kept. Every newline is kept,
 * so lines are the page's lines. */
typedef struct lg_html lg_html;
lg_html *lg_html_new(void); /* NULL when out of memory */
void lg_html_free(lg_html *h);
/* Whether the start of an input (decoded to UTF-8) is an HTML page. */
bool lg_html_sniff(const uint8_t *p, size_t n);
/* Converts p[0..n) (UTF-8 HTML), appending the text to *out (grown with
 * realloc; *cap its size). A tag or reference split across calls is
 * carried over. LG_OK or LG_ENOMEM. */
lg_status lg_html_feed(lg_html *h, const uint8_t *p, size_t n, bool eof,
		       uint8_t **out, size_t *len, size_t *cap);

#endif
