/* morph.c: Japanese morphology through MeCab and IPAdic. Names are told
 * from words by the dictionary's part of speech (名詞,固有名詞,人名,姓 / 名
 * / 一般, research/dlp.md 7.1); the analysis runs only on the few
 * characters around a label or an honorific, never over whole texts. The
 * model (the mapped dictionary) is shared by every thread; each stream
 * has its own tagger and lattice. */
#include <mecab.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "engine_int.h"

struct lg_morph {
	mecab_t *tagger;
	mecab_lattice_t *lattice;
};

/* Where Debian installs the UTF-8 IPAdic; LEAKGUARD_MECAB_DICDIR first. */
static const char *dicdir(void)
{
	static const char *const dirs[] = {
	    "/var/lib/mecab/dic/ipadic-utf8",
	    "/usr/lib/x86_64-linux-gnu/mecab/dic/ipadic-utf8",
	    "/usr/lib/aarch64-linux-gnu/mecab/dic/ipadic-utf8",
	    "/usr/share/mecab/dic/ipadic", NULL};
	const char *env = getenv("LEAKGUARD_MECAB_DICDIR");
	if (env && *env)
		return env;
	for (const char *const *d = dirs; *d; d++) {
		char path[512];
		snprintf(path, sizeof(path), "%s/sys.dic", *d);
		if (access(path, R_OK) == 0)
			return *d;
	}
	return NULL;
}

bool lg_morph_load(lg_detector *d, char *err, size_t errlen)
{
	const char *dir = dicdir();
	if (!dir) {
		snprintf(err, errlen,
			 "no MeCab dictionary for person names: install "
			 "mecab-ipadic-utf8 (or set LEAKGUARD_MECAB_DICDIR), "
			 "or leave person_name out of --types");
		return false;
	}
	char arg[600];
	snprintf(arg, sizeof(arg), "-d %s", dir);
	mecab_model_t *m = mecab_model_new2(arg);
	if (!m) {
		snprintf(err, errlen, "cannot load the MeCab dictionary %s: %s",
			 dir, mecab_strerror(NULL));
		return false;
	}
	const mecab_dictionary_info_t *info = mecab_model_dictionary_info(m);
	if (!info || !info->charset ||
	    (strcasecmp(info->charset, "utf-8") &&
	     strcasecmp(info->charset, "utf8"))) {
		snprintf(err, errlen,
			 "the MeCab dictionary %s is not UTF-8 (%s): install "
			 "mecab-ipadic-utf8",
			 dir, info && info->charset ? info->charset : "?");
		mecab_model_destroy(m);
		return false;
	}
	d->morph_model = m;
	return true;
}

void lg_morph_unload(lg_detector *d)
{
	if (d->morph_model)
		mecab_model_destroy(d->morph_model);
	d->morph_model = NULL;
}

lg_morph *lg_morph_new(const lg_detector *d)
{
	if (!d->morph_model)
		return NULL;
	lg_morph *m = calloc(1, sizeof(*m));
	if (!m)
		return NULL;
	m->tagger = mecab_model_new_tagger(d->morph_model);
	m->lattice = mecab_model_new_lattice(d->morph_model);
	if (!m->tagger || !m->lattice) {
		lg_morph_free(m);
		return NULL;
	}
	return m;
}

void lg_morph_free(lg_morph *m)
{
	if (!m)
		return;
	if (m->lattice)
		mecab_lattice_destroy(m->lattice);
	if (m->tagger)
		mecab_destroy(m->tagger);
	free(m);
}

/* The word class a node's feature string (IPAdic: pos,sub1,sub2,sub3,...)
 * gives. */
static lg_morph_class node_class(const mecab_node_t *n)
{
	const char *f = n->feature;
	if (n->stat == MECAB_UNK_NODE)
		return LG_MORPH_UNKNOWN;
	if (!strncmp(f, "名詞,固有名詞,人名,姓", 29))
		return LG_MORPH_SURNAME;
	if (!strncmp(f, "名詞,固有名詞,人名,名", 29))
		return LG_MORPH_GIVEN;
	if (!strncmp(f, "名詞,固有名詞,人名", 26))
		return LG_MORPH_PERSON;
	if (!strncmp(f, "名詞,接尾,人名", 20))
		return LG_MORPH_HONORIFIC;
	if (!strncmp(f, "名詞,固有名詞,組織", 26))
		return LG_MORPH_ORG;
	if (!strncmp(f, "名詞,固有名詞,地域", 26))
		return LG_MORPH_PLACE;
	if (!strncmp(f, "名詞,", 7))
		return LG_MORPH_NOUN;
	if (!strncmp(f, "記号,空白", 13))
		return LG_MORPH_SPACE;
	return LG_MORPH_OTHER;
}

size_t lg_morph_parse(lg_morph *m, const char *text, size_t n,
		      lg_morph_token *out, size_t cap)
{
	if (!m || n == 0)
		return 0;
	mecab_lattice_set_sentence2(m->lattice, text, n);
	if (!mecab_parse_lattice(m->tagger, m->lattice))
		return 0;
	size_t k = 0;
	for (const mecab_node_t *node = mecab_lattice_get_bos_node(m->lattice);
	     node && k < cap; node = node->next) {
		if (node->stat == MECAB_BOS_NODE ||
		    node->stat == MECAB_EOS_NODE)
			continue;
		/* MeCab skips spaces; their place is between two nodes */
		size_t off = (size_t)(node->surface - text);
		size_t lead = node->rlength - node->length;
		if (lead && k < cap && off >= lead)
			out[k++] =
			    (lg_morph_token){(uint32_t)(off - lead),
					     (uint32_t)lead, LG_MORPH_SPACE};
		if (k < cap)
			out[k++] = (lg_morph_token){(uint32_t)off, node->length,
						    node_class(node)};
	}
	return k;
}
