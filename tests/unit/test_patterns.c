/* test_patterns.c: the engine finds the detectors' patterns as Hyperscan
 * finds each whole pattern alone, though it does not run them so: a split
 * pattern's rest runs only from its label's ends (detectors.c, THEN),
 * the honorific pattern's prefix is checked in C (CHECKED_BEFORE), and
 * email's pattern is matched in C. Texts are written to hit the edges
 * (a text's start and end, full-width forms, labels that overlap) and
 * drawn at random from the pieces of the patterns. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <hs.h>

#include "detect/engine_int.h"
#include "util/util.h"

static lg_detector *det;
static lg_detect_stream *st;
/* each pattern whole (THEN, CHECKED_BEFORE taken out), and its type */
static hs_database_t *whole[64];
static lg_type whole_type[64];
static unsigned nwhole;
static hs_scratch_t *scratch;

static int group_setup(void **state)
{
	(void)state;
	char err[256];
	det = lg_detector_new(&(lg_detect_config){0.5, 0}, err, sizeof(err));
	st = det ? lg_detect_stream_new(det) : NULL;
	if (!st)
		return -1;
	for (int t = 0; t < LG_TYPE_COUNT; t++) {
		const lg_detector_def *d = &lg_detector_defs[t];
		for (const char *const *e = d->patterns; *e; e++) {
			char expr[4096];
			size_t o = 0;
			for (const char *p = *e; *p && o + 1 < sizeof(expr);
			     p++)
				if (*p != '\x1F' && *p != '\x1E')
					expr[o++] = *p;
			expr[o] = '\0';
			unsigned fl =
			    d->flags & LG_NO_SOM ? 0 : HS_FLAG_SOM_LEFTMOST;
			hs_compile_error_t *ce;
			if (nwhole == 64 ||
			    hs_compile(expr, fl, HS_MODE_BLOCK, NULL,
				       &whole[nwhole], &ce) != HS_SUCCESS ||
			    hs_alloc_scratch(whole[nwhole], &scratch) !=
				HS_SUCCESS)
				return -1;
			whole_type[nwhole++] = (lg_type)t;
		}
	}
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	for (unsigned i = 0; i < nwhole; i++)
		hs_free_database(whole[i]);
	hs_free_scratch(scratch);
	lg_detect_stream_free(st);
	lg_detector_free(det);
	return 0;
}

/* ---- matches as (type, from, to), sorted, each once --------------------- */
typedef struct match_set {
	raw_match m[8192];
	size_t n;
} match_set;

static int match_cmp(const void *a, const void *b)
{
	const raw_match *p = a, *q = b;
	if (p->type != q->type)
		return p->type < q->type ? -1 : 1;
	if (p->to != q->to)
		return p->to < q->to ? -1 : 1;
	return p->from < q->from ? -1 : p->from > q->from;
}

/* Sorts and keeps one match per type and end, the leftmost: what one
 * pattern made of a type's entries would report. */
static void normalise(match_set *s)
{
	qsort(s->m, s->n, sizeof(*s->m), match_cmp);
	size_t o = 0;
	for (size_t i = 0; i < s->n; i++) {
		if (o > 0 && s->m[o - 1].type == s->m[i].type &&
		    s->m[o - 1].to == s->m[i].to)
			continue;
		s->m[o++] = s->m[i];
	}
	s->n = o;
}

typedef struct whole_ctx {
	match_set *s;
	lg_type t;
} whole_ctx;

static int on_whole(unsigned id, unsigned long long from, unsigned long long to,
		    unsigned flags, void *ud)
{
	(void)id;
	(void)flags;
	whole_ctx *c = ud;
	if (c->s->n < sizeof(c->s->m) / sizeof(*c->s->m))
		c->s->m[c->s->n++] =
		    (raw_match){c->t, (uint32_t)from, (uint32_t)to, true};
	return 0;
}

static match_set want, got;

/* The engine's matches over text[0..n) equal the whole patterns'. */
static void check_text(const char *text, size_t n)
{
	want.n = got.n = 0;
	for (unsigned i = 0; i < nwhole; i++) {
		whole_ctx c = {&want, whole_type[i]};
		assert_int_equal(hs_scan(whole[i], n ? text : "", (unsigned)n,
					 0, scratch, on_whole, &c),
				 HS_SUCCESS);
	}
	assert_true(n <= st->cap);
	memcpy(st->win, text, n);
	st->len = n;
	assert_int_equal(lg_detect_pattern_matches(st), LG_OK);
	for (size_t i = 0; i < st->nraws && got.n < 8192; i++)
		got.m[got.n++] = st->raws[i];
	normalise(&want);
	normalise(&got);
	bool same = want.n == got.n;
	for (size_t i = 0; same && i < want.n; i++) /* fields: not padding */
		same = got.m[i].type == want.m[i].type &&
		       got.m[i].to == want.m[i].to &&
		       got.m[i].from == want.m[i].from;
	if (!same)
		fprintf(stderr, "differs on: %.*s\n", (int)n, text);
	assert_int_equal(got.n, want.n);
	for (size_t i = 0; i < want.n; i++) {
		assert_int_equal(got.m[i].type, want.m[i].type);
		assert_int_equal(got.m[i].to, want.m[i].to);
		assert_int_equal(got.m[i].from, want.m[i].from);
	}
}

static void check(const char *text)
{
	check_text(text, strlen(text));
}

/* ---- email ------------------------------------------------------------ */
static void email_edges(void **state)
{
	(void)state;
	check("@a.co");		   /* nothing before the at sign */
	check("a@b.cd");	   /* the match ends the text */
	check("a@b.c");		   /* one letter short */
	check("x a@b.cd.ef y");	   /* one end, after the first dot */
	check("a@@b.cd a@b@c.de"); /* at signs side by side */
	check("a@-.xy a@b-.cd a@.cd a@b..cd");
	check("a.@b.cd _@b.cd %@b.cd +@b.cd -@b.cd é@b.cd");
	check("a@b.c1 a@b.1c a@b_c.de A@B.CD");
	check("user＠example.co.jp"); /* full-width at sign */
	check("＠b.cd a＠b.c");
	check("a\xEF\xBC");	     /* a full-width form cut short */
	check("a\xEF\xBC\xA0");	     /* ＠ ending the text */
	check("a\xEF\xBC\xA1@b.cd"); /* Ａ before an at sign */
	check("a\xEF\xBC\xA0\xEF\xBC\xA0"
	      "b.cd a\xEF@b.cd \xEF\xEF\xBC\xA0"
	      "x.yz");
	check("a@b.cd@e.fg");
	/* %40, as a URL sends an at sign */
	check("?email=a%40b.cd&x=1 a%40%40b.cd %40b.cd a%4040.cd a%4 a%40 "
	      "a%40@b.cd %%40b.cd a%400b.cd a%41b.cd");
	/* the label after the at sign: 63 characters, not 64 */
	char s[200];
	for (int len = 62; len <= 65; len++) {
		int o = snprintf(s, sizeof(s), "a@");
		memset(s + o, 'd', (size_t)len);
		snprintf(s + o + len, sizeof(s) - (size_t)(o + len), ".jp");
		check(s);
		/* the same with the match at the very end of the text */
		s[o + len + 3] = '\0';
		check_text(s, strlen(s));
	}
}

#define N_PIECES(a) (sizeof(a) / sizeof(*(a)))

/* 1..maxk pieces drawn at random (seed) joined into text while they fit
 * in cap bytes; returns the length. */
static size_t random_text(char *text, size_t cap, const char *const *pieces,
			  size_t npieces, int maxk, uint32_t *seed)
{
	size_t n = 0;
	*seed = *seed * 1103515245u + 12345u;
	int k = 1 + (int)((*seed >> 8) % (uint32_t)maxk);
	for (int i = 0; i < k; i++) {
		*seed = *seed * 1103515245u + 12345u;
		const char *p = pieces[(*seed >> 16) % npieces];
		size_t l = strlen(p);
		if (n + l >= cap)
			break;
		memcpy(text + n, p, l);
		n += l;
	}
	return n;
}

/* Email's at-sign search over texts longer than its 128-byte steps (and
 * the two bytes after), with at signs of both widths, the bytes of the
 * full-width one apart, and other full-width forms at every place; each
 * path the CPU has (AVX-512BW, AVX2, memchr). */
static const char *const email_pieces[] = {
    "@",    "＠",	"a",	    "b.cd", "ex.co.jp", "Ａ", "（",
    "\xEF", "\xEF\xBC", "\xBC\xA0", "\xA0", "日本",	" ",  "\n",
    "x",    "-",	"%",	    "%40",  "4",	"0"};

static void email_random(void **state)
{
	(void)state;
	char text[700];
	for (int k = 0; k < LG_CPU_STEPS; k++) {
		if (!lg_cpu_limit(lg_cpu_step(k)))
			continue;
		uint32_t seed = 4242;
		for (int round = 0; round < 3000; round++)
			check_text(text,
				   random_text(text, sizeof(text), email_pieces,
					       N_PIECES(email_pieces), 300,
					       &seed));
	}
	lg_cpu_limit(LG_CPU_ALL);
}

/* ---- split patterns ----------------------------------------------------- */
static void split_patterns_edges(void **state)
{
	(void)state;
	check("生年月日：1985年4月12日");
	check("生年月日1985/04/12 生年 1990-1-2");
	check("誕生日 S60.4.12 生年月日: 昭和60年4月12日");
	check("生年月日");		       /* a label ending the text */
	check("生年月日：19");		       /* a date cut short */
	check("生年月日：２０１９年４月１日"); /* full-width digits */
	check("DOB: 1985/04/12, date of birth 12 Apr 1985");
	check("口座番号 1234567 普通預金 12345678 普通1234567");
	check("CVV: 123 cvv2 1234 security code: 999 セキュリティコード 123");
	check("氏名：山田太郎 お名前（カナ）：ヤマダ 担当者 Tanaka");
	check("住所：東京都新宿区 ご住所 〒160-0023 新宿区西新宿 自宅");
	check("有効期限 12/28 expiry 2028/09");
}

/* ---- the honorific pattern ------------------------------------------- */
static void honorific_edges(void **state)
{
	(void)state;
	check("様 さま さん 殿");		  /* the text's start, spaces */
	check("山田様 山田さま 山田さん 山田殿"); /* kanji before */
	check("やまだ様 ヤマダさん ゃさま ヶ殿"); /* kana, small kana */
	check("山 様 山　様 山  様 山　　様 山 　様"); /* one space or none */
	check("a様 A さん 1殿 _さま ＡさんＢ殿");      /* ASCII, full-width */
	check("、様 。さん 「さま」 ・殿 ー様");       /* punctuation, ー */
	check("\xE3\x80\x80様 \xE3\x80\x80\xE3\x80\x80さん"); /* 　 alone */
	check("さささん さまさま 様様 殿さん"); /* honorifics before */
	check("丁様 鿿様 一様 ꀀ様 㐀様 ＿様"); /* code points at
							       the edges */
	check("\xE4\x80様 \xE4様 \xE9\xBF\xBF\xBF様"); /* cut short, overlong */
	check("\x80\x80\x80様 \xE4\x80\x80 様 \xE3\x84\x80さん");
	check("\xE3\x81\x80\xE3\x80\x80殿 \xE3\x83\xBF \xE3\x80\x80さま");
	check_text("\xE5\xB1\xB1\xE6\xA7\x98", 6); /* 山様, the whole text */
	check_text(" \xE6\xA7\x98", 4);		   /* a space alone */
	check_text("\xE3\x80\x80\xE6\xA7\x98", 6); /* 　様 */
	check_text("\xE5\xB1\xB1\xE3\x80\x80\xE3\x81\x95\xE3\x82\x93",
		   12); /* 山　さん */
}

/* Characters around honorifics, joined at random: kanji, kana, both
 * spaces, ASCII, punctuation and stray or cut UTF-8 bytes. */
static const char *const hon_pieces[] = {
    "様",   "さま", "さん", "殿",	"さ",	    "ま",	"ん",
    "山",   "ヤ",   "ｶ",    "　",	" ",	    "  ",	"a",
    "\n",   "、",   "ー",   "\xE3",	"\x80",	    "\xBF",	"\xE4\x80",
    "\xE9", "Ｘ",   "1",    "\xE3\x81", "\xE3\x80", "\xE6\xA7", "\xE3\x80\x80"};

static void honorific_random(void **state)
{
	(void)state;
	uint32_t seed = 777;
	char text[200];
	for (int round = 0; round < 5000; round++)
		check_text(text, random_text(text, sizeof(text), hon_pieces,
					     N_PIECES(hon_pieces), 12, &seed));
}

/* Pieces the patterns are made of, joined at random: labels, gaps,
 * digits in both widths, separators, letters and line breaks. */
static const char *const pieces[] = {
    "生年月日", "生年",	    "誕生日",	"月日",
    "：",	": ",	    " ",	"　",
    "\n",	"1",	    "9",	"19",
    "20",	"85",	    "１",	"９",
    "０",	"/",	    "-",	".",
    "年",	"月",	    "日",	"昭和",
    "S",	"H",	    "Apr",	"april",
    "12",	"dob",	    "DOB",	"d.o.b",
    "born",	"x",	    "birthday", "口座",
    "普通",	"口座番号", "1234567",	"cvv",
    "CVV2",	"security", "code",	"氏名",
    "名前",	"担当",	    "（カナ）", "山",
    "ヤ",	"Ta",	    "住所",	"〒",
    "160",	"0023",	    "東京都",	"新宿",
    "@",	"＠",	    "a",	"b.cd",
    "ex.co.jp", "_",	    "生まれ",	"生（",
    "有効期限", "exp",	    "28",	"セキュリティコード"};

static void split_patterns_random(void **state)
{
	(void)state;
	uint32_t seed = 12345;
	char text[400];
	for (int round = 0; round < 3000; round++)
		check_text(text, random_text(text, sizeof(text), pieces,
					     N_PIECES(pieces), 24, &seed));
}

/* ---- rests matched or refused in C ---------------------------------- */
/* engine.c refuses a rest whose first bytes cannot start a match, and
 * matches person_name's rest (LABEL_TAIL NAME_START) in C: labels, then
 * brackets of both widths (several, unclosed, cut), every separator up
 * to past eight of them, the first characters of names and what is
 * none (punctuation, ー, digits, cut UTF-8), around every split label. */
static void rests_edges(void **state)
{
	(void)state;
	check("氏名(山田)太郎 氏名（ヤマダ）山田 氏名（カナ）（漢字）山");
	check("氏名(A)B)C 氏名（A）B）C 氏名((A)B 氏名(\nA)B 氏名(");
	check("氏名（１２３４５６７８９０１２３４５６７８）山 氏名（"
	      "１２３４５６７８９０１２３４５６７８９）山");
	check(
	    "氏名(123456789012345678901234)A 氏名(1234567890123456789012345)A");
	check("氏名        A 氏名         A 氏名 :=\t：　＝ A "
	      "氏名　　　　　　　　山");
	check(
	    "氏名、山田 氏名を 氏名。 氏名ー 氏名1 氏名\xE3\x81 氏名\xE4\x80");
	check("氏名Łukasz 氏名：Émile 氏名 ɐ 氏名\xC9\x90 氏名\xC9 氏名ệ "
	      "氏名\xE1\xBC\x80");
	check("氏名：Ｓ 氏名ａ 氏名＠ 氏名ｻ 氏名ﾞ 氏名ｰ 氏名｡ 氏名\xEF\xBD "
	      "氏名\xEF");
	check("\"氏名\": \"田中 次郎\" \"氏名\":\"A\" 氏名\"\"\"\"\"\"\"\"\"山 "
	      "\"住所\": \"〒160-0023 新宿\" 氏名\"、");
	check("<氏名>田中 次郎</氏名> <フリガナ>タナカ</フリガナ> 氏名>> 山 "
	      "<住所>新宿</住所> 住所>〒160-0023新宿 氏名>\n山 氏名><");
	check("氏名");
	check("氏名 ");
	check("氏名（");
	check("パスワード：abc password=x pass \"x\" pwd, 'x' パスワードは　x "
	      "パスワードを password\tx password\n x");
	check("住所(自宅)〒 160‐0023\t新宿 "
	      "住所（本社）　〒　１６０ｰ００２３　　新宿");
	check("住所 〒160-0023   新宿 住所        　160-0023新宿");
	check("住所         160-0023新宿 住所        新宿 住所         新宿");
	check("住所〒〒160-0023新宿 住所 〒160-0023 住所160-00234新宿 "
	      "住所16-0023新宿");
	check("住所は東京 住所〒160-0023新宿 住所 160-0023 新宿 住所１６０ "
	      "住所：");
	check("有効期限 12 / 28 有効期限12　年　28月 有効期限1234-1234月 "
	      "有効期限 12-12345");
	check("有効期限 １２／２８ exp: 12.28 expiry 12 -28 有効期限12ー28 "
	      "有効期限12．28月");
	check("有効期限12  /28 有効期限12/  28 有効期限1２年3月 "
	      "有効期限：　　　　　　　12/28");
	check("有効期限：　　　　　　 12/28 有効期限\n12/28 有効期限 12/ "
	      "expiry 12/2");
	check("password:x password:　x password:　　 x password:　　　x "
	      "password=>x");
	check("password  = > x password   :x pwd\"x\" pass ' , 'x "
	      "password\",\"x");
	check(
	    "password' ,\t'x password\v,\v'x pass\",\" x pass\"\",\"x pass,'");
	check("パスワードは　x パスワードは x パスワードは\nx password:\vx "
	      "password：＝x");
	check("password\"\"\"x password'=>'x pass= \xE3 pass=\xE3\x80\x80");
	check("<password>x</password> <password></password> password>\n "
	      "<パスワード>Haru2024</パスワード> password>< pwd> x pass>");
	check("生年月日 Oct 29th, 1974 生年月日 29 October 1974 生年月日 sept. "
	      "1, 1990");
	check("生年月日 S 60.4.12 生年月日 ㍼60年4月12日 生年月日 "
	      "平成元年5月1日 生年月日 元年");
	check("生年月日 １９８５－０４－１２日 生年月日\n\n1985/4/12 生年月日 "
	      "SEPT 1 1990");
	check("生年月日 1985 / 4 / 12 生年月日 1985 年 4 月 12 日 生年月日 "
	      "1９85/4/1");
	check("生年月日 May 3rd,\t2001 生年月日 3 may. 2001 生年月日 Mar. 3,  "
	      "2001 h1.2.3");
	check("生年月日 令和　1年2月3日 生年月日 ㋿1-2-3 "
	      "生年月日 "
	      "March "
	      "3TH, "
	      "2001");
	check("生年月日 r1.2.3 生年月日 t 12 / 1 /2 生年月日 january 1, 1990 "
	      "生年月日 december 2 2000");
	/* every month name, both cases, with its dot or none */
	check("生年月日 jan 1 1990 生年月日 2 JAN. 1990 生年月日 january 1 "
	      "1990 生年月日 2 JANUARY. 1990 生年月日 feb 1 1990 生年月日 2 "
	      "FEB. 1990 生年月日 february 1 1990 生年月日 2 FEBRUARY. 1990");
	check("生年月日 mar 1 1990 生年月日 2 MAR. 1990 生年月日 march 1 1990 "
	      "生年月日 2 MARCH. 1990 生年月日 apr 1 1990 生年月日 2 APR. 1990 "
	      "生年月日 april 1 1990 生年月日 2 APRIL. 1990");
	check("生年月日 may 1 1990 生年月日 2 MAY. 1990 生年月日 jun 1 1990 "
	      "生年月日 2 JUN. 1990 生年月日 june 1 1990 生年月日 2 JUNE. 1990 "
	      "生年月日 jul 1 1990 生年月日 2 JUL. 1990");
	check("生年月日 july 1 1990 生年月日 2 JULY. 1990 生年月日 aug 1 1990 "
	      "生年月日 2 AUG. 1990 生年月日 august 1 1990 生年月日 2 AUGUST. "
	      "1990 生年月日 sep 1 1990 生年月日 2 SEP. 1990");
	check("生年月日 sept 1 1990 生年月日 2 SEPT. 1990 生年月日 september 1 "
	      "1990 生年月日 2 SEPTEMBER. 1990 生年月日 oct 1 1990 生年月日 2 "
	      "OCT. 1990 生年月日 october 1 1990 生年月日 2 OCTOBER. 1990");
	check("生年月日 nov 1 1990 生年月日 2 NOV. 1990 生年月日 november 1 "
	      "1990 生年月日 2 NOVEMBER. 1990 生年月日 dec 1 1990 生年月日 2 "
	      "DEC. 1990 生年月日 december 1 1990 生年月日 2 DECEMBER. 1990");
	check("生年月日 2001/2/3 生年月日2020年1月1日 "
	      "生年月日：２０２０．１．１");
	check("口座番号１２３４５６７８９０１２３ 口座番号は、１２３４５６７8");
	check("口座番号：　　　　　　　 1234567 口座番号：　　　　　　　  "
	      "1234567");
	check("cvv: ａｂ１２３４５ cvv:\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t123");
	check("cvv:\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t123 cvv 12 cvv 1２3");
	check(
	    "口座番号は\n1234567 口座番号は1234567 cvv:\n123 有効期限\n12/28");
	check("生年月日は明治　元　年　1月1日 生年月日 september 1, 1990");
	/* the farthest first digit: a gap of 24 bytes, then 21 */
	check("生年月日をおしらせくださ明治　元　年　1月1日");
	check("生年月日をおしらせくださ明治　元　年　１月1日");
}

static const char *const rest_pieces[] = {
    "氏名",	  "担当",	"住所",
    "パスワード", "password",	"口座",
    "生年月日",	  "cvv:",	"有効期限",
    "(",	  ")",		"（",
    "）",	  " ",		"\t",
    ":",	  "=",		"：",
    "　",	  "＝",		"\n",
    "山",	  "ヤ",		"や",
    "a",	  "Z",		"1",
    "１",	  "、",		"ー",
    "は",	  "〒",		"160-0023",
    "\"",	  "'",		",",
    "\xE3",	  "\xE3\x81",	"\xE4\x80",
    "\xBC",	  "\xEF\xBC",	"を",
    "。",	  "1234567",	"1985/4/12",
    "昭和",	  "160",	"0023",
    "１６０",	  "－",		"‐",
    "ｰ",	  "〒160-0023", "〒 １６０ー００２３",
    "Ł",	  "É",		"ệ",
    "ɐ",	  "\xC9",	"Ｓ",
    "ａ",	  "＠",		"ｻ",
    "ﾞ",	  "\xEF\xBD",	"\xEF\xBE",
    "        ",	  "１２３",	"12",
    "123",	  "／",		"年",
    "月",	  " / ",	"exp ",
    "\v",	  "=>",		"pwd",
    "\r",	  "Oct",	"October",
    "sept",	  "SEPT.",	"29th",
    "3rd",	  ", ",		"1974",
    "平成",	  "元",		"㍼",
    "May",	  "日"};

static void rests_random(void **state)
{
	(void)state;
	uint32_t seed = 31337;
	char text[400];
	for (int round = 0; round < 6000; round++)
		check_text(text, random_text(text, sizeof(text), rest_pieces,
					     N_PIECES(rest_pieces), 30, &seed));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(email_edges),
	    cmocka_unit_test(email_random),
	    cmocka_unit_test(split_patterns_edges),
	    cmocka_unit_test(split_patterns_random),
	    cmocka_unit_test(honorific_edges),
	    cmocka_unit_test(honorific_random),
	    cmocka_unit_test(rests_edges),
	    cmocka_unit_test(rests_random),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
