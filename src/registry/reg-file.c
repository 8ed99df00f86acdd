/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include "reg-file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buffer.h"
#include "fd-util.h"
#include "hex-util.h"
#include "reg-data.h"
#include "reg-util.h"
#include "utf8.h"

#define HEADER_V5 "Windows Registry Editor Version 5.00"
#define HEADER_V4 "REGEDIT4"

/* regedit breaks hex data lines once they reach this many characters. */
#define HEX_LINE_MAX 77

RegFile *reg_file_new(void) {
        return calloc(1, sizeof(RegFile));
}

static void op_done(RegFileOp *op) {
        free(op->key);
        free(op->name);
        free(op->data);
}

RegFile *reg_file_free(RegFile *f) {
        if (!f)
                return NULL;
        for (size_t i = 0; i < f->n_ops; i++)
                op_done(f->ops + i);
        free(f->ops);
        free(f);
        return NULL;
}

/* Appends an operation, taking ownership of its strings and data (also on failure). */
static int push_op(RegFile *f, RegFileOp *op) {
        if (f->n_ops >= REG_FILE_OPS_MAX) {
                op_done(op);
                return -E2BIG;
        }
        if (f->n_ops == f->n_allocated) {
                size_t n = f->n_allocated ? f->n_allocated * 2 : 16;
                RegFileOp *p = reallocarray(f->ops, n, sizeof(RegFileOp));
                if (!p) {
                        op_done(op);
                        return -ENOMEM;
                }
                f->ops = p;
                f->n_allocated = n;
        }
        f->ops[f->n_ops++] = *op;
        *op = (RegFileOp){};
        return 0;
}

/* The key of the section the next value belongs to, or NULL. */
static const char *current_key(const RegFile *f) {
        for (size_t i = f->n_ops; i > 0; i--) {
                const RegFileOp *op = f->ops + i - 1;
                if (op->type == REG_FILE_OP_KEY)
                        return op->key;
                if (op->type == REG_FILE_OP_DELETE_KEY)
                        return NULL;
        }
        return NULL;
}

static bool key_name_is_writable(const char *key) {
        if (key[0] == '\0' || key[0] == '-')
                return false;
        for (const char *p = key; *p; p++)
                if ((unsigned char) *p < 0x20 || *p == 0x7F)
                        return false;
        return utf8_is_valid(key);
}

int reg_file_add_key(RegFile *f, const char *key) {
        assert(f);
        assert(key);

        if (!key_name_is_writable(key))
                return -EINVAL;

        RegFileOp op = {.type = REG_FILE_OP_KEY, .key = strdup(key)};
        if (!op.key)
                return -ENOMEM;
        return push_op(f, &op);
}

int reg_file_add_value(RegFile *f, const char *name, RegType type, const void *data, size_t size) {
        assert(f);
        assert(name);
        assert(data || size == 0);

        const char *key = current_key(f);
        if (!key || !utf8_is_valid(name) || reg_data_check(type, data, size) < 0)
                return -EINVAL;

        RegFileOp op = {
                        .type = REG_FILE_OP_SET_VALUE,
                        .key = strdup(key),
                        .name = strdup(name),
                        .value_type = type,
                        .data = malloc(size > 0 ? size : 1),
                        .size = size,
        };
        if (!op.key || !op.name || !op.data) {
                op_done(&op);
                return -ENOMEM;
        }
        if (size > 0)
                memcpy(op.data, data, size);
        return push_op(f, &op);
}

/* ---- Parsing ------------------------------------------------------------------------------ */

typedef struct Parser {
        const char *text; /* UTF-8, NUL-free */
        size_t size;
        size_t pos;    /* start of the next line */
        unsigned line; /* number of the line last read */
        bool regedit4;
        RegFile *file;
        unsigned error_line;
        char *error;
} Parser;

/* Reads the next line (without its line break) into *ret and *ret_n. Returns false at the end. */
static bool next_line(Parser *p, const char **ret, size_t *ret_n) {
        if (p->pos >= p->size)
                return false;

        const char *s = p->text + p->pos;
        const char *e = memchr(s, '\n', p->size - p->pos);
        size_t n = e ? (size_t) (e - s) : p->size - p->pos;

        p->pos += n + (e ? 1 : 0);
        p->line++;
        if (n > 0 && s[n - 1] == '\r')
                n--;
        *ret = s;
        *ret_n = n;
        return true;
}

static bool is_blank(char c) {
        return c == ' ' || c == '\t';
}

static void trim(const char **s, size_t *n) {
        while (*n > 0 && is_blank(**s)) {
                (*s)++;
                (*n)--;
        }
        while (*n > 0 && is_blank((*s)[*n - 1]))
                (*n)--;
}

VSS_PRINTF(3, 4)
static int parse_fail(Parser *p, int r, const char *format, ...) {
        va_list ap;
        char *m = NULL;

        va_start(ap, format);
        if (vasprintf(&m, format, ap) < 0)
                m = NULL;
        va_end(ap);
        free(p->error);
        p->error = m;
        p->error_line = p->line;
        return r;
}

/* Only blanks or a ; comment may end a line. */
static bool rest_is_empty(const char *s, size_t n) {
        trim(&s, &n);
        return n == 0 || s[0] == ';';
}

/* Parses a "quoted string" at s[0] with the escapes \\ \" \n \r. Returns the number of bytes
 * consumed, and the unescaped string in *ret (you now own it). */
static int parse_quoted(Parser *p, const char *s, size_t n, const char *what, char **ret) {
        Buffer b = BUFFER_INIT;
        int r;

        assert(n > 0 && s[0] == '"');

        for (size_t i = 1; i < n; i++) {
                char c = s[i];

                if (c == '"') {
                        char *str = buffer_steal(&b);
                        if (!str)
                                return -ENOMEM;
                        *ret = str;
                        return (int) (i + 1);
                }
                if (c == '\\') {
                        if (i + 1 >= n)
                                break;
                        switch (s[++i]) {
                        case '\\':
                                c = '\\';
                                break;
                        case '"':
                                c = '"';
                                break;
                        case 'n':
                                c = '\n';
                                break;
                        case 'r':
                                c = '\r';
                                break;
                        default:
                                buffer_done(&b);
                                return parse_fail(
                                                p, -EINVAL,
                                                "unknown escape sequence '\\%c' in the %s (write "
                                                "\\\\ for a backslash)",
                                                s[i], what);
                        }
                }
                r = buffer_append_char(&b, c);
                if (r < 0) {
                        buffer_done(&b);
                        return r;
                }
        }

        buffer_done(&b);
        return parse_fail(p, -EINVAL, "the %s has no closing quote", what);
}

static int parse_key_line(Parser *p, const char *s, size_t n) {
        const char *close = NULL;

        for (size_t i = 0; i < n; i++)
                if (s[i] == ']')
                        close = s + i;
        if (!close)
                return parse_fail(p, -EINVAL, "the key line has no closing ']'");
        if ((size_t) (close - s) + 1 != n)
                return parse_fail(p, -EINVAL, "unexpected text after the ']' of the key line");

        const char *k = s + 1;
        size_t kn = (size_t) (close - k);
        bool deletion = kn > 0 && k[0] == '-';
        if (deletion) {
                k++;
                kn--;
        }
        if (kn == 0)
                return parse_fail(p, -EINVAL, "the key name is empty");
        for (size_t i = 0; i < kn; i++)
                if ((unsigned char) k[i] < 0x20 || k[i] == 0x7F)
                        return parse_fail(p, -EINVAL, "the key name contains a control character");
        if (k[0] == '-') /* [--KEY] */
                return parse_fail(p, -EINVAL, "the key name starts with '-'");

        RegFileOp op = {
                        .type = deletion ? REG_FILE_OP_DELETE_KEY : REG_FILE_OP_KEY,
                        .line = p->line,
                        .key = strndup(k, kn),
        };
        if (!op.key)
                return -ENOMEM;
        int r = push_op(p->file, &op);
        if (r == -E2BIG)
                return parse_fail(
                                p, r, "the file has more than %u keys and values",
                                REG_FILE_OPS_MAX);
        return r;
}

/* Collects the hex bytes after "hex:" or "hex(N):", following '\' continuation lines, and
 * parses them. 'start_line' is where the value began, for messages. */
static int
parse_hex_bytes(Parser *p,
                const char *s,
                size_t n,
                unsigned start_line,
                uint8_t **ret,
                size_t *ret_size) {
        Buffer text = BUFFER_INIT, bytes = BUFFER_INIT;
        int r;

        for (;;) {
                /* Everything after a ';' is a comment: hex data never contains one. */
                const char *semi = memchr(s, ';', n);
                if (semi)
                        n = (size_t) (semi - s);
                trim(&s, &n);

                bool more = n > 0 && s[n - 1] == '\\';
                r = buffer_append(&text, s, more ? n - 1 : n);
                if (r < 0)
                        goto finish;
                if (!more)
                        break;

                /* The continuation: the next line that is not a comment. */
                do {
                        if (!next_line(p, &s, &n)) {
                                p->line = start_line;
                                r = parse_fail(p, -EINVAL,
                                               "the file ends inside this value (its last line "
                                               "ends with '\\')");
                                goto finish;
                        }
                        trim(&s, &n);
                } while (n > 0 && s[0] == ';');
        }

        const char *t = text.data ? text.data : "";
        size_t tn = text.size, i = 0, index = 0;
        while (i < tn) {
                size_t j = i;
                while (j < tn && t[j] != ',')
                        j++;

                const char *tok = t + i;
                size_t tok_n = j - i;
                trim(&tok, &tok_n);
                index++;

                if (tok_n == 0) {
                        /* One trailing comma is tolerated; an empty byte elsewhere is not. */
                        if (j >= tn && index > 1)
                                break;
                        p->line = start_line;
                        r = parse_fail(p, -EINVAL, "byte %zu of the hex data is empty", index);
                        goto finish;
                }
                if (tok_n > 2 || unhexchar(tok[0]) < 0 || (tok_n == 2 && unhexchar(tok[1]) < 0)) {
                        p->line = start_line;
                        r = parse_fail(p, -EINVAL,
                                       "byte %zu of the hex data, '%.*s', is not one or two hex "
                                       "digits",
                                       index, (int) MIN(tok_n, (size_t) 16), tok);
                        goto finish;
                }
                uint8_t v =
                                (uint8_t) (tok_n == 1 ? unhexchar(tok[0])
                                                      : unhexchar(tok[0]) << 4 | unhexchar(tok[1]));
                if (bytes.size >= REG_DATA_SIZE_MAX) {
                        p->line = start_line;
                        r = parse_fail(p, -E2BIG,
                                       "the value's data is longer than the limit of %zu bytes",
                                       REG_DATA_SIZE_MAX);
                        goto finish;
                }
                r = buffer_append(&bytes, &v, 1);
                if (r < 0)
                        goto finish;
                i = j + 1;
        }

        size_t size = bytes.size;
        uint8_t *d = (uint8_t *) buffer_steal(&bytes);
        if (!d) {
                r = -ENOMEM;
                goto finish;
        }
        *ret = d;
        *ret_size = size;
        r = 0;

finish:
        buffer_done(&text);
        buffer_done(&bytes);
        return r;
}

static const char *windows_type_name(unsigned long t) {
        switch (t) {
        case 5:
                return " (REG_DWORD_BIG_ENDIAN)";
        case 6:
                return " (REG_LINK)";
        case 8:
                return " (REG_RESOURCE_LIST)";
        case 9:
                return " (REG_FULL_RESOURCE_DESCRIPTOR)";
        case 10:
                return " (REG_RESOURCE_REQUIREMENTS_LIST)";
        default:
                return "";
        }
}

/* Parses hex:..., hex(N):... at 's' into op->value_type/data/size. */
static int parse_hex_value(Parser *p, const char *s, size_t n, RegFileOp *op) {
        unsigned long t = REG_BINARY;
        size_t i = 3; /* after "hex" */
        int r;

        if (i < n && s[i] == '(') {
                size_t digits = 0;
                t = 0;
                for (i++; i < n && unhexchar(s[i]) >= 0; i++, digits++)
                        if (digits < 8)
                                t = t * 16 + (unsigned long) unhexchar(s[i]);
                if (digits == 0 || digits > 8 || i >= n || s[i] != ')')
                        return parse_fail(
                                        p, -EINVAL,
                                        "malformed value type: expected hex(N) with N in hex");
                i++;
        }
        if (i >= n || s[i] != ':')
                return parse_fail(p, -EINVAL, "expected ':' after the hex value type");
        i++;

        switch (t) {
        case REG_NONE:
        case REG_SZ:
        case REG_EXPAND_SZ:
        case REG_BINARY:
        case REG_DWORD:
        case REG_MULTI_SZ:
        case REG_QWORD:
                break;
        default:
                return parse_fail(
                                p, -EOPNOTSUPP,
                                "value type hex(%lx)%s is not supported: linvss keeps REG_NONE, "
                                "REG_SZ, REG_EXPAND_SZ, REG_BINARY, REG_DWORD, REG_MULTI_SZ and "
                                "REG_QWORD",
                                t, windows_type_name(t));
        }

        unsigned start_line = p->line;
        vss_autofree uint8_t *bytes = NULL;
        size_t size = 0;
        r = parse_hex_bytes(p, s + i, n - i, start_line, &bytes, &size);
        if (r < 0)
                return r;

        op->value_type = (RegType) t;
        switch (op->value_type) {
        case REG_DWORD:
        case REG_QWORD:
                if (size != (t == REG_DWORD ? 4U : 8U)) {
                        p->line = start_line;
                        return parse_fail(
                                        p, -EINVAL,
                                        "hex(%lx) (%s) data must be %u bytes long, not %zu", t,
                                        reg_data_type_to_string(op->value_type),
                                        t == REG_DWORD ? 4U : 8U, size);
                }
                op->data = TAKE_PTR(bytes);
                op->size = size;
                return 0;

        case REG_NONE:
        case REG_BINARY:
                op->data = TAKE_PTR(bytes);
                op->size = size;
                return 0;

        case REG_SZ:
        case REG_EXPAND_SZ:
        case REG_MULTI_SZ: {
                /* Version 5.00 stores strings as UTF-16LE; REGEDIT4 as 8-bit text, taken as
                 * UTF-8 here. */
                vss_autofree char *text = NULL;
                size_t text_size = 0;
                char *message = NULL;

                if (p->regedit4) {
                        text = (char *) TAKE_PTR(bytes);
                        text_size = size;
                } else {
                        r = reg_data_utf16le_to_utf8(bytes, size, &text, &text_size);
                        if (r == -EINVAL || r == -EILSEQ) {
                                p->line = start_line;
                                return parse_fail(
                                                p, -EILSEQ, "the %s data is not valid UTF-16LE",
                                                reg_data_type_to_string(op->value_type));
                        }
                        if (r < 0)
                                return r;
                }

                r = reg_data_from_string_bytes(
                                op->value_type, text, text_size, &op->data, &op->size, &message);
                if (r < 0) {
                        p->line = start_line;
                        r = parse_fail(p, r, "%s", message ? message : "invalid string data");
                        free(message);
                        return r;
                }
                return 0;
        }
        }
        return -EINVAL;
}

static int parse_value_line(Parser *p, const char *s, size_t n) {
        const char *key = current_key(p->file);
        RegFileOp op = {.line = p->line};
        size_t i;
        int r;

        if (!key)
                return parse_fail(
                                p, -EINVAL,
                                "a value outside a key section: values must follow a [KEY] line");

        if (s[0] == '@') {
                op.name = strdup("");
                if (!op.name)
                        return -ENOMEM;
                i = 1;
        } else {
                r = parse_quoted(p, s, n, "value name", &op.name);
                if (r < 0)
                        return r;
                i = (size_t) r;
        }

        while (i < n && is_blank(s[i]))
                i++;
        if (i >= n || s[i] != '=') {
                op_done(&op);
                return parse_fail(p, -EINVAL, "expected '=' after the value name");
        }
        i++;
        while (i < n && is_blank(s[i]))
                i++;

        const char *d = s + i;
        size_t dn = n - i;

        if (dn > 0 && d[0] == '-' && rest_is_empty(d + 1, dn - 1)) {
                op.type = REG_FILE_OP_DELETE_VALUE;
        } else if (dn > 0 && d[0] == '"') {
                vss_autofree char *str = NULL;

                r = parse_quoted(p, d, dn, "string data", &str);
                if (r < 0) {
                        op_done(&op);
                        return r;
                }
                assert(str);
                if (!rest_is_empty(d + r, dn - (size_t) r)) {
                        op_done(&op);
                        return parse_fail(p, -EINVAL, "unexpected text after the closing quote");
                }
                size_t len = strlen(str);
                if (len + 1 > REG_DATA_SIZE_MAX) {
                        op_done(&op);
                        return parse_fail(
                                        p, -E2BIG,
                                        "the string is longer than the limit of %zu bytes",
                                        REG_DATA_SIZE_MAX);
                }
                op.type = REG_FILE_OP_SET_VALUE;
                op.value_type = REG_SZ;
                op.data = (uint8_t *) TAKE_PTR(str);
                op.size = len + 1;
        } else if (dn >= 6 && reg_util_ascii_startswith(d, "dword:")) {
                size_t j = 6, digits = 0;
                uint32_t v = 0;

                for (; j < dn && unhexchar(d[j]) >= 0; j++, digits++)
                        v = v << 4 | (uint32_t) unhexchar(d[j]);
                if (digits == 0 || digits > 8 || !rest_is_empty(d + j, dn - j)) {
                        op_done(&op);
                        return parse_fail(
                                        p, -EINVAL,
                                        "malformed dword: expected 1 to 8 hex digits after "
                                        "'dword:'");
                }
                op.type = REG_FILE_OP_SET_VALUE;
                op.value_type = REG_DWORD;
                op.data = malloc(4);
                if (!op.data) {
                        op_done(&op);
                        return -ENOMEM;
                }
                for (size_t k = 0; k < 4; k++)
                        op.data[k] = (uint8_t) (v >> (8 * k));
                op.size = 4;
        } else if (dn >= 3 && reg_util_ascii_startswith(d, "hex")) {
                op.type = REG_FILE_OP_SET_VALUE;
                r = parse_hex_value(p, d, dn, &op);
                if (r < 0) {
                        op_done(&op);
                        return r;
                }
        } else {
                op_done(&op);
                return parse_fail(
                                p, -EINVAL,
                                "unrecognized value data: expected \"string\", dword:, hex:, "
                                "hex(N): or -");
        }

        op.key = strdup(key);
        if (!op.key) {
                op_done(&op);
                return -ENOMEM;
        }
        r = push_op(p->file, &op);
        if (r == -E2BIG)
                return parse_fail(
                                p, r, "the file has more than %u keys and values",
                                REG_FILE_OPS_MAX);
        return r;
}

/* Turns the file's bytes into UTF-8 text without NULs, checking the encoding line by line. */
static int decode_text(Parser *p, const uint8_t *d, size_t size, char **ret, size_t *ret_size) {
        char *text = NULL;
        size_t n = 0;
        int r;

        if (size >= 2 && d[0] == 0xFE && d[1] == 0xFF)
                return parse_fail(
                                p, -EILSEQ,
                                "the file is UTF-16BE, which is not supported: convert it to "
                                "UTF-16LE or UTF-8");

        if (size >= 2 && d[0] == 0xFF && d[1] == 0xFE) {
                Buffer b = BUFFER_INIT;

                if (size % 2 != 0)
                        return parse_fail(
                                        p, -EILSEQ,
                                        "the file is UTF-16LE but has an odd number of bytes");
                p->line = 1;
                for (size_t i = 2; i < size; i += 2) {
                        uint32_t cp = (uint32_t) d[i] | (uint32_t) d[i + 1] << 8;
                        char out[4];

                        if (cp >= 0xD800 && cp <= 0xDBFF && i + 3 < size) {
                                uint32_t lo = (uint32_t) d[i + 2] | (uint32_t) d[i + 3] << 8;
                                if (lo >= 0xDC00 && lo <= 0xDFFF) {
                                        cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                                        i += 2;
                                }
                        }
                        int k = utf8_encode(cp, out);
                        if (k < 0) {
                                buffer_done(&b);
                                return parse_fail(
                                                p, -EILSEQ,
                                                "the file is not valid UTF-16LE (an unpaired "
                                                "surrogate)");
                        }
                        if (cp == 0) {
                                buffer_done(&b);
                                return parse_fail(p, -EINVAL, "the file contains a NUL character");
                        }
                        if (cp == '\n')
                                p->line++;
                        r = buffer_append(&b, out, (size_t) k);
                        if (r < 0) {
                                buffer_done(&b);
                                return r;
                        }
                }
                p->line = 0;
                n = b.size;
                text = buffer_steal(&b);
                if (!text)
                        return -ENOMEM;
        } else {
                if (size >= 3 && d[0] == 0xEF && d[1] == 0xBB && d[2] == 0xBF) {
                        d += 3;
                        size -= 3;
                }
                text = malloc(size + 1);
                if (!text)
                        return -ENOMEM;
                if (size > 0)
                        memcpy(text, d, size);
                text[size] = '\0';
                n = size;
        }

        /* Check per line, so that a message can say where. */
        unsigned line = 1;
        for (size_t i = 0; i < n;) {
                const char *e = memchr(text + i, '\n', n - i);
                size_t len = e ? (size_t) (e - (text + i)) : n - i;

                if (memchr(text + i, '\0', len)) {
                        free(text);
                        p->line = line;
                        return parse_fail(p, -EINVAL, "the line contains a NUL character");
                }
                if (!utf8_is_valid_n(text + i, len)) {
                        free(text);
                        p->line = line;
                        return parse_fail(
                                        p, -EILSEQ,
                                        "the line is not valid UTF-8 (.reg files must be "
                                        "UTF-16LE or UTF-8)");
                }
                i += len + 1;
                line++;
        }

        *ret = text;
        *ret_size = n;
        return 0;
}

int reg_file_parse(
                const void *data,
                size_t size,
                RegFile **ret,
                unsigned *reterr_line,
                char **reterr_message) {
        Parser p = {};
        char *text = NULL;
        const char *s = NULL;
        size_t n = 0;
        int r;

        assert(data || size == 0);
        assert(ret);

        if (size > REG_FILE_SIZE_MAX) {
                r = parse_fail(&p, -E2BIG, "the file is %zu bytes long, more than the limit of %zu",
                               size, REG_FILE_SIZE_MAX);
                goto fail;
        }

        r = decode_text(&p, data, size, &text, &n);
        if (r < 0)
                goto fail;
        p.text = text;
        p.size = n;

        p.file = reg_file_new();
        if (!p.file) {
                r = -ENOMEM;
                goto fail;
        }

        if (!next_line(&p, &s, &n)) {
                r = parse_fail(&p, -EINVAL,
                               "the file is empty: a .reg file starts with '" HEADER_V5 "'");
                goto fail;
        }
        trim(&s, &n);
        if (n == strlen(HEADER_V4) && memcmp(s, HEADER_V4, n) == 0)
                p.regedit4 = true;
        else if (!(n == strlen(HEADER_V5) && memcmp(s, HEADER_V5, n) == 0)) {
                r = parse_fail(&p, -EINVAL,
                               "not a .reg file: the first line must be '" HEADER_V5
                               "' or '" HEADER_V4 "'");
                goto fail;
        }

        while (next_line(&p, &s, &n)) {
                trim(&s, &n);
                if (n == 0 || s[0] == ';')
                        continue;

                if (s[0] == '[')
                        r = parse_key_line(&p, s, n);
                else if (s[0] == '@' || s[0] == '"')
                        r = parse_value_line(&p, s, n);
                else
                        r = parse_fail(&p, -EINVAL,
                                       "unrecognized line: expected [KEY], [-KEY], \"name\"=data, "
                                       "@=data or a ; comment");
                if (r < 0)
                        goto fail;
        }

        free(text);
        *ret = TAKE_PTR(p.file);
        return 0;

fail:
        free(text);
        if (reterr_line)
                *reterr_line = p.error ? p.error_line : 0;
        if (reterr_message)
                *reterr_message = TAKE_PTR(p.error);
        free(p.error);
        reg_file_free(p.file);
        return r;
}

/* ---- Formatting --------------------------------------------------------------------------- */

static int format_escaped(Buffer *b, const char *s) {
        int r = buffer_append_char(b, '"');

        for (; r >= 0 && *s; s++) {
                switch (*s) {
                case '\\':
                        r = buffer_append_str(b, "\\\\");
                        break;
                case '"':
                        r = buffer_append_str(b, "\\\"");
                        break;
                case '\n':
                        r = buffer_append_str(b, "\\n");
                        break;
                case '\r':
                        r = buffer_append_str(b, "\\r");
                        break;
                default:
                        r = buffer_append_char(b, *s);
                }
        }
        if (r >= 0)
                r = buffer_append_char(b, '"');
        return r;
}

/* hex:... or hex(N):..., wrapped as regedit wraps it. 'line_len' is what the line holds
 * already. */
static int format_hex(Buffer *b, RegType type, const uint8_t *d, size_t size, size_t line_len) {
        char head[16];
        int r;

        if (type == REG_BINARY)
                (void) snprintf(head, sizeof head, "hex:");
        else
                (void) snprintf(head, sizeof head, "hex(%x):", (unsigned) type);
        r = buffer_append_str(b, head);
        if (r < 0)
                return r;
        line_len += strlen(head);

        for (size_t i = 0; i < size; i++) {
                r = buffer_printf(b, "%02x", d[i]);
                if (r < 0)
                        return r;
                if (i + 1 == size)
                        break;
                r = buffer_append_char(b, ',');
                if (r < 0)
                        return r;
                line_len += 3;
                if (line_len >= HEX_LINE_MAX) {
                        r = buffer_append_str(b, "\\\r\n  ");
                        if (r < 0)
                                return r;
                        line_len = 2;
                }
        }
        return 0;
}

static int format_value(Buffer *b, const RegFileOp *op) {
        size_t start = b->size;
        int r;

        if (!utf8_is_valid(op->name))
                return -EINVAL;
        if (op->name[0] == '\0')
                r = buffer_append_char(b, '@');
        else
                r = format_escaped(b, op->name);
        if (r >= 0)
                r = buffer_append_char(b, '=');
        if (r < 0)
                return r;

        if (op->type == REG_FILE_OP_DELETE_VALUE)
                return buffer_append_str(b, "-\r\n");

        if (reg_data_check(op->value_type, op->data, op->size) < 0)
                return -EINVAL;

        /* A string with a line break cannot be written in quotes: hex(1) it is. */
        if (op->value_type == REG_SZ && !strpbrk((const char *) op->data, "\r\n")) {
                r = format_escaped(b, (const char *) op->data);
                if (r < 0)
                        return r;
                return buffer_append_str(b, "\r\n");
        }

        switch (op->value_type) {
        case REG_SZ:
        case REG_EXPAND_SZ:
        case REG_MULTI_SZ: {
                vss_autofree uint8_t *u = NULL;
                size_t un = 0;

                r = reg_data_utf8_to_utf16le((const char *) op->data, op->size, &u, &un);
                if (r < 0)
                        return r == -EILSEQ ? -EINVAL : r;
                r = format_hex(b, op->value_type, u, un, b->size - start);
                break;
        }
        case REG_DWORD: {
                uint32_t v = 0;
                for (size_t i = 0; i < 4; i++)
                        v |= (uint32_t) op->data[i] << (8 * i);
                r = buffer_printf(b, "dword:%08x", v);
                break;
        }
        case REG_NONE:
        case REG_BINARY:
        case REG_QWORD:
                r = format_hex(b, op->value_type, op->data, op->size, b->size - start);
                break;
        default:
                return -EINVAL;
        }
        if (r < 0)
                return r;
        return buffer_append_str(b, "\r\n");
}

int reg_file_format(const RegFile *f, char **ret, size_t *ret_size) {
        Buffer b = BUFFER_INIT;
        const char *section = NULL; /* the key values go to */
        int r;

        assert(f);
        assert(ret);

        r = buffer_append_str(&b, HEADER_V5 "\r\n");
        if (r < 0)
                goto fail;

        for (size_t i = 0; i < f->n_ops; i++) {
                const RegFileOp *op = f->ops + i;

                switch (op->type) {
                case REG_FILE_OP_KEY:
                case REG_FILE_OP_DELETE_KEY:
                        if (!key_name_is_writable(op->key)) {
                                r = -EINVAL;
                                goto fail;
                        }
                        r = buffer_printf(
                                        &b, "\r\n[%s%s]\r\n",
                                        op->type == REG_FILE_OP_DELETE_KEY ? "-" : "", op->key);
                        section = op->type == REG_FILE_OP_KEY ? op->key : NULL;
                        break;
                case REG_FILE_OP_SET_VALUE:
                case REG_FILE_OP_DELETE_VALUE:
                        if (!section || !streq(section, op->key)) {
                                r = -EINVAL;
                                goto fail;
                        }
                        r = format_value(&b, op);
                        break;
                default:
                        r = -EINVAL;
                }
                if (r < 0)
                        goto fail;
        }

        r = buffer_append_str(&b, "\r\n");
        if (r < 0)
                goto fail;

        size_t size = b.size;
        char *s = buffer_steal(&b);
        if (!s)
                return -ENOMEM;
        *ret = s;
        if (ret_size)
                *ret_size = size;
        return 0;

fail:
        buffer_done(&b);
        return r;
}

bool reg_file_equal(const RegFile *a, const RegFile *b) {
        assert(a);
        assert(b);

        if (a->n_ops != b->n_ops)
                return false;
        for (size_t i = 0; i < a->n_ops; i++) {
                const RegFileOp *x = a->ops + i, *y = b->ops + i;

                if (x->type != y->type || !streq_ptr(x->key, y->key) ||
                    !streq_ptr(x->name, y->name))
                        return false;
                if (x->type != REG_FILE_OP_SET_VALUE)
                        continue;
                if (x->value_type != y->value_type || x->size != y->size ||
                    (x->size > 0 && memcmp(x->data, y->data, x->size) != 0))
                        return false;
        }
        return true;
}

/* ---- Files -------------------------------------------------------------------------------- */

int reg_file_read_fd(int fd, size_t max, char **ret, size_t *ret_size) {
        Buffer b = BUFFER_INIT;
        char chunk[65536];
        int r;

        assert(fd >= 0);
        assert(ret);

        for (;;) {
                ssize_t k = read(fd, chunk, sizeof chunk);
                if (k < 0) {
                        if (errno == EINTR)
                                continue;
                        r = -errno;
                        goto fail;
                }
                if (k == 0)
                        break;
                if ((size_t) k > max - b.size) {
                        r = -EFBIG;
                        goto fail;
                }
                r = buffer_append(&b, chunk, (size_t) k);
                if (r < 0)
                        goto fail;
        }

        size_t size = b.size;
        char *s = buffer_steal(&b);
        if (!s)
                return -ENOMEM;
        *ret = s;
        if (ret_size)
                *ret_size = size;
        return 0;

fail:
        buffer_done(&b);
        return r;
}

int reg_file_read(const char *path, size_t max, char **ret, size_t *ret_size) {
        struct stat st;

        assert(path);

        vss_autoclose int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        if (fd < 0)
                return -errno;
        if (fstat(fd, &st) < 0)
                return -errno;
        if (S_ISDIR(st.st_mode))
                return -EISDIR;
        if (S_ISREG(st.st_mode) && (uint64_t) st.st_size > max)
                return -EFBIG;
        return reg_file_read_fd(fd, max, ret, ret_size);
}

int reg_file_write_atomic(const char *path, const void *data, size_t size) {
        return write_file_atomic(path, data, size, 0644);
}
