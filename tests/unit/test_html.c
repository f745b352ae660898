/* test_html.c: an HTML page's text: tags out, references decoded,
 * scripts and styles out, comments and the attributes that hold data in,
 * every newline kept, and the same text however the page is split. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "leakguard/text.h"

/* The text of page, fed in pieces of `step` bytes (0: at once). */
static char *text_of(const char *page, size_t step)
{
	lg_html *h = lg_html_new();
	assert_non_null(h);
	uint8_t *out = NULL;
	size_t len = 0, cap = 0, n = strlen(page);
	if (!step)
		step = n ? n : 1;
	for (size_t i = 0; i < n; i += step) {
		size_t k = n - i < step ? n - i : step;
		assert_int_equal(lg_html_feed(h, (const uint8_t *)page + i, k,
					      i + k == n, &out, &len, &cap),
				 LG_OK);
	}
	if (!n)
		assert_int_equal(
		    lg_html_feed(h, NULL, 0, true, &out, &len, &cap), LG_OK);
	lg_html_free(h);
	char *s = malloc(len + 1);
	assert_non_null(s);
	if (len)
		memcpy(s, out, len);
	s[len] = '\0';
	free(out);
	return s;
}

/* Collapses runs of spaces, so expectations need not count them. */
static char *squeeze(char *s)
{
	char *o = s;
	for (char *p = s; *p; p++)
		if (*p != ' ' || (o > s && o[-1] != ' ' && o[-1] != '\n'))
			*o++ = *p;
	while (o > s && o[-1] == ' ')
		o--;
	*o = '\0';
	return s;
}

static void expect(const char *page, const char *want)
{
	char *got = squeeze(text_of(page, 0));
	assert_string_equal(got, want);
	free(got);
}

static void tags_go_references_decode(void **state)
{
	(void)state;
	expect("<p>山田&nbsp;太郎 様</p>", "山田 太郎 様");
	expect("<td>hanako&#46;sato&#64;yahoo.co.jp</td>",
	       "hanako.sato@yahoo.co.jp");
	expect("A&#x41;&amp;&lt;b&gt;&quot;", "AA&<b>\"");
	expect("&unknown; &amp &#xZZ; 5&yen;", "&unknown; & &#xZZ; 5¥");
	expect("<TD>a</TD><td>b</td>", "a b");
}

static void scripts_and_styles_go_comments_stay(void **state)
{
	(void)state;
	expect("a<script>var c = \"4111 1111 1111 1111\"; if (a<b) x();"
	       "</script>b",
	       "a b");
	expect("a<SCRIPT type=x>1</sCrIpT >b<style>.c{}</style>c", "a b c");
	expect("<!-- debug: taro@gmail.com -- x -->after",
	       "debug: taro@gmail.com -- x after");
	expect("<!DOCTYPE html><html><body>t</body></html>", "t");
}

static void attributes_that_hold_data_stay(void **state)
{
	(void)state;
	expect("<input name=\"card\" value=\"4111 1111\">", "4111 1111");
	expect("<input value='x&amp;y' type=text>", "x&y");
	expect("<input value=abc>", "abc");
	expect("<a href=\"mailto:s@example.jp\">s</a>", "s@example.jp s");
	expect("<a href=\"tel:090-1234-5678\">call</a>", "090-1234-5678 call");
	expect("<a href=\"https://x/?mail=a@b.jp\">link</a>", "link");
	expect("<img alt=\"顧客一覧\" src=\"a.png\">", "顧客一覧");
}

static void newlines_are_the_pages(void **state)
{
	(void)state;
	const char *page = "<html>\n<head>\n<script>\nx\n</script>\n"
			   "<!--\nc\n-->\n<p\nclass=\"a\">t&amp\n</p>\n";
	char *got = text_of(page, 0);
	size_t in = 0, out = 0;
	for (const char *p = page; *p; p++)
		in += *p == '\n';
	for (const char *p = got; *p; p++)
		out += *p == '\n';
	assert_int_equal(out, in);
	free(got);
}

/* Split at every byte: the same text as at once. */
static void any_split_gives_the_same_text(void **state)
{
	(void)state;
	const char *page =
	    "<!DOCTYPE html>\n<html><head><title>注文 &amp; 確認</title>"
	    "<script>if(a<b&&c)x('</s');</script></head>\n<body>"
	    "<!-- memo: hanako@gmail.com -->\n<p>お名前&#65306;山田&nbsp;"
	    "太郎</p><input value=\"090-1234-5678\"><a href='mailto:a@b.jp'>"
	    "m</a>&#x1F600;&bogus\n</body></html>\n";
	char *whole = text_of(page, 0);
	for (size_t step = 1; step < 24; step++) {
		char *got = text_of(page, step);
		assert_string_equal(got, whole);
		free(got);
	}
	free(whole);
}

static void pages_are_told_from_text(void **state)
{
	(void)state;
	const char *yes[] = {"<!DOCTYPE html><p>", "  \n<html lang=ja>",
			     "<!-- x -->\n<HTML>",
			     "<?xml version=\"1.0\"?><html>"};
	for (size_t i = 0; i < sizeof(yes) / sizeof(*yes); i++)
		assert_true(
		    lg_html_sniff((const uint8_t *)yes[i], strlen(yes[i])));
	const char *no[] = {"メール: a@b.jp <html> in prose", "a,b,c\n1,2,3",
			    "<note>xml</note>", ""};
	for (size_t i = 0; i < sizeof(no) / sizeof(*no); i++)
		assert_false(
		    lg_html_sniff((const uint8_t *)no[i], strlen(no[i])));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(tags_go_references_decode),
	    cmocka_unit_test(scripts_and_styles_go_comments_stay),
	    cmocka_unit_test(attributes_that_hold_data_stay),
	    cmocka_unit_test(newlines_are_the_pages),
	    cmocka_unit_test(any_split_gives_the_same_text),
	    cmocka_unit_test(pages_are_told_from_text),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
