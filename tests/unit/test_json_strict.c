/* Unit tests for core/json_strict.c: what RFC 8259 allows is read the way
 * json-c would; what a national system refuses (bad UTF-8, surrogates, NUL,
 * duplicate keys, int64 overflow, deep nesting, trailing junk) is refused
 * with the reason. */
#include "unit.h"

#include "json_strict.h"

#include <crs/plugin.h>
#include <json-c/json.h>
#include <stdint.h>
#include <string.h>

static int refused(const char *text, size_t len, const char *want_why)
{
	struct json_object *o = NULL;
	const char *why = NULL;
	int rc = json_strict_parse(text, len, 16, &o, &why);

	if (rc == CRS_OK) {
		json_object_put(o);
		return 0;
	}
	if (want_why && (!why || strcmp(why, want_why) != 0)) {
		unit_note("%s: why = %s, want %s", text, why ? why : "(null)", want_why);
		return 0;
	}
	return o == NULL;
}

#define REFUSED(lit, why) CHECKF(refused(lit, sizeof(lit) - 1, why), "refused: %s", #lit)

/* Parses text and returns its canonical serialisation (static buffer). */
static const char *canon(const char *text)
{
	static char out[512];
	struct json_object *o = NULL;

	if (json_strict_parse(text, strlen(text), 16, &o, NULL) != CRS_OK)
		return "(refused)";
	snprintf(out, sizeof(out), "%s",
	         o ? json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
	                                                   JSON_C_TO_STRING_NOSLASHESCAPE)
	           : "(null)");
	json_object_put(o);
	return out;
}

static void valid_documents(void)
{
	struct json_object *o = NULL, *v;

	CHECK_STR(canon("{}"), "{}");
	CHECK_STR(canon(" { \"a\" : 1 , \"b\" : [ true , false , null ] } "),
	          "{\"a\":1,\"b\":[true,false,null]}");
	CHECK_STR(canon("\"\\u0041\\u00e9\\u06F0\\ud83d\\ude00\""), "\"Aé۰😀\"");
	CHECK_STR(canon("\"\\\"\\\\\\/\\b\\f\\n\\r\\t\""), "\"\\\"\\\\/\\b\\f\\n\\r\\t\"");
	CHECK_STR(canon("\"زهرا ‌ ۱۲۳ €\""), "\"زهرا ‌ ۱۲۳ €\"");
	CHECK_STR(canon("[-0, 0, 12, -9223372036854775808, 9223372036854775807]"),
	          "[0,0,12,-9223372036854775808,9223372036854775807]");
	CHECK_STR(canon("[1.5, -2e3, 0.25E+1]"), "[1.5,-2000.0,2.5]");
	CHECK_STR(canon("null"), "(null)");
	/* Equal keys are equal after decoding only: different here. */
	CHECK_STR(canon("{\"a\":1,\"A\":2}"), "{\"a\":1,\"A\":2}");
	/* The same key in two different objects is fine. */
	CHECK_STR(canon("{\"a\":{\"a\":1},\"b\":{\"a\":2}}"), "{\"a\":{\"a\":1},\"b\":{\"a\":2}}");
	/* Lengths survive: json-c keeps the decoded length. */
	CHECK(json_strict_parse("{\"k\":\"ab\"}", 10, 16, &o, NULL) == CRS_OK);
	CHECK(o && json_object_object_get_ex(o, "k", &v) && json_object_get_string_len(v) == 2);
	json_object_put(o);
	/* Exactly max_depth levels are allowed. */
	CHECK(json_strict_parse("[[[1]]]", 7, 3, &o, NULL) == CRS_OK);
	json_object_put(o);
}

static void refused_documents(void)
{
	/* Bytes that are not UTF-8 of scalar values. */
	REFUSED("{\"a\":\"\xC0\xAF\"}", "invalid UTF-8");          /* overlong '/' */
	REFUSED("{\"a\":\"\xE0\x80\x80\"}", "invalid UTF-8");      /* overlong NUL */
	REFUSED("{\"a\":\"\xF4\x90\x80\x80\"}", "invalid UTF-8");  /* > U+10FFFF */
	REFUSED("{\"a\":\"\xED\xA0\x80\"}", "invalid UTF-8");      /* encoded surrogate */
	REFUSED("{\"a\":\"\x80\"}", "invalid UTF-8");              /* lone continuation */
	REFUSED("{\"a\":\"\xC3\"}", "invalid UTF-8");              /* cut */
	REFUSED("{\"a\":\"\xFF\"}", "invalid UTF-8");
	REFUSED("{\"\xC0\xAF\":1}", "invalid UTF-8");              /* in a key */
	/* Escapes. */
	REFUSED("{\"a\":\"0029097088\\u0000XYZ\"}", "NUL in a string");
	REFUSED("{\"a\\u0000\":1}", "NUL in a string");
	REFUSED("{\"a\":\"\\ud800\"}", "lone surrogate");
	REFUSED("{\"a\":\"\\ud800x\"}", "lone surrogate");
	REFUSED("{\"a\":\"\\ud800\\u0041\"}", "lone surrogate");
	REFUSED("{\"a\":\"\\udc00\"}", "lone surrogate");
	REFUSED("{\"a\":\"\\u12\"}", "bad \\u escape");
	REFUSED("{\"a\":\"\\x41\"}", "bad escape");
	REFUSED("{\"a\":\"tab\there\"}", "control character in a string");
	REFUSED("{\"a\":\"", "unterminated string");
	{
		static const char raw_nul[] = "{\"a\":\"x\0y\"}";

		CHECK(refused(raw_nul, sizeof(raw_nul) - 1, "control character in a string"));
	}
	/* Structure. */
	REFUSED("{\"a\":1,\"a\":2}", "duplicate key");
	REFUSED("{\"a\":1,\"\\u0061\":2}", "duplicate key");
	REFUSED("{\"x\":{\"b\":1,\"b\":1}}", "duplicate key");
	REFUSED("{\"a\":1,}", NULL);
	REFUSED("[1,]", NULL);
	REFUSED("{'a':1}", NULL);
	REFUSED("{\"a\":1} x", "text after the value");
	REFUSED("{\"a\":1}{}", "text after the value");
	REFUSED("", "unexpected end");
	/* Numbers. */
	REFUSED("[01]", NULL);
	REFUSED("[1.]", "bad number");
	REFUSED("[.5]", "unexpected character");
	REFUSED("[1e]", "bad number");
	REFUSED("[-]", "bad number");
	REFUSED("[9223372036854775808]", "number out of range");
	REFUSED("[-9223372036854775809]", "number out of range");
	REFUSED("[NaN]", NULL);
	REFUSED("[tru]", "unexpected character");
	{
		struct json_object *o = NULL;

		CHECK(json_strict_parse("[[[[1]]]]", 9, 3, &o, NULL) == CRS_EINVAL && !o);
	}
}

int main(void)
{
	valid_documents();
	refused_documents();
	return unit_done();
}
