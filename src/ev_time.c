/* ev_time.c - time expressions in one sentence for the event stage: month names ("In
 * April", "Oct. 18, 2016", "19 March 2018"), weekdays ("on Tuesday"), "yesterday",
 * "last month", "earlier this year", "three days ago", years ("in 2013") and ISO dates.
 * Each gets a token span and, when the request's published date anchors it, an ISO
 * value ("2018-04", "2018-04-10", "2018-W15", "2017"). One forward pass; arena only. */
#include "events_int.h"

#include <string.h>

static const char *const months[12][3] = {
    {"january", "jan", ""},   {"february", "feb", ""}, {"march", "mar", ""},
    {"april", "apr", ""},     {"may", "", ""},          {"june", "jun", ""},
    {"july", "jul", ""},      {"august", "aug", ""},    {"september", "sep", "sept"},
    {"october", "oct", ""},   {"november", "nov", ""},  {"december", "dec", ""}};
static const char *const wdays[7] = {"monday", "tuesday", "wednesday", "thursday",
                                     "friday", "saturday", "sunday"};
static const char *const numwords[] = {"one", "two", "three", "four", "five", "six",
                                       "seven", "eight", "nine", "ten", "a"};

/* w equals the literal `lit`, as nt_str_eq_c. Inline so that with a literal the length
 * is a constant and the compare a few instructions: these run on most tokens. */
static inline bool eq_lit(nt_str w, const char *lit) {
    size_t n = strlen(lit);
    return w.n == n && memcmp(w.p, lit, n) == 0;
}

/* The folded token without a trailing abbreviation dot. */
static nt_str word(const tok_doc *d, size_t i) {
    nt_str w = tok_fold(d, i);
    if (w.n > 1 && w.p[w.n - 1] == '.')
        w.n--;
    return w;
}

static int month_of(const tok_doc *d, size_t i) {
    if (!(d->toks[i].flags & TOK_CAP))
        return -1;
    nt_str w = word(d, i);
    /* bit k: some month name starts with letter 'a' + k (j f m a s o n d) */
    const uint32_t initials = 1u << ('j' - 'a') | 1u << ('f' - 'a') | 1u << ('m' - 'a') |
                              1u << ('a' - 'a') | 1u << ('s' - 'a') | 1u << ('o' - 'a') |
                              1u << ('n' - 'a') | 1u << ('d' - 'a');
    if (w.n < 3 || w.n > 9 || w.p[0] < 'a' || w.p[0] > 'z' || !(initials >> (w.p[0] - 'a') & 1))
        return -1;
    /* each name and abbreviation starts with its month's first three letters, and no two
     * months share those: only one month needs the full compares */
    for (int m = 0; m < 12; m++) {
        const char *full = months[m][0];
        if (full[0] != w.p[0] || full[1] != w.p[1] || full[2] != w.p[2])
            continue;
        for (int k = 0; k < 3; k++)
            if (months[m][k][0] && nt_str_eq_c(w, months[m][k]))
                return m + 1;
        return -1;
    }
    return -1;
}

static int wday_of(const tok_doc *d, size_t i) {
    if (!(d->toks[i].flags & TOK_CAP))
        return -1;
    nt_str w = word(d, i);
    if (w.n < 6 || memcmp(w.p + w.n - 3, "day", 3) != 0)
        return -1; /* every weekday name is "...day" */
    for (int k = 0; k < 7; k++)
        if (nt_str_eq_c(w, wdays[k]))
            return k;
    return -1;
}

/* Small number in digits (up to 4) or words; -1 otherwise. */
static int number_of(const tok_doc *d, size_t i) {
    nt_str w = tok_fold(d, i);
    int v = 0;
    if (w.n && w.n <= 4 && w.p[0] >= '0' && w.p[0] <= '9') {
        for (size_t k = 0; k < w.n; k++) {
            if (w.p[k] < '0' || w.p[k] > '9')
                return -1;
            v = v * 10 + (w.p[k] - '0');
        }
        return v;
    }
    if (w.n > 5 || !w.n)
        return -1; /* no number word is longer */
    for (size_t k = 0; k < NT_ARRAY_LEN(numwords); k++)
        if (numwords[k][0] == w.p[0] && nt_str_eq_c(w, numwords[k]))
            return k < 10 ? (int)k + 1 : 1;
    return -1;
}

static inline bool is(const tok_doc *d, size_t i, const char *w) {
    return eq_lit(tok_fold(d, i), w);
}

/* ---- civil dates (days since 1970-01-01) ---- */

static long days_from_civil(int y, int m, int dd) {
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + dd - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_from_days(long z, int *y, int *m, int *dd) {
    z += 719468;
    long era = (z >= 0 ? z : z - 146096) / 146097;
    long doe = z - era * 146097;
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long yy = yoe + era * 400;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    *dd = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yy + (*m <= 2));
}

/* Parses "YYYY-MM-DD…" or "YYYY-MM" into pub; false if absent or malformed. */
static bool parse_pub(nt_str p, int *y, int *m, int *dd) {
    int v[3] = {0, 0, 0};
    size_t i = 0;
    for (int f = 0; f < 3; f++) {
        size_t want = f == 0 ? 4 : 2, k = 0;
        if (f > 0) {
            if (i >= p.n || p.p[i] != '-')
                return f == 2 && v[1] >= 1 && v[1] <= 12 && (*y = v[0], *m = v[1], *dd = 1, true);
            i++;
        }
        for (; k < want; k++, i++) {
            if (i >= p.n || p.p[i] < '0' || p.p[i] > '9')
                return false;
            v[f] = v[f] * 10 + (p.p[i] - '0');
        }
    }
    if (v[1] < 1 || v[1] > 12 || v[2] < 1 || v[2] > 31)
        return false;
    *y = v[0], *m = v[1], *dd = v[2];
    return true;
}

typedef struct anchor {
    bool ok;
    int y, m, d;
    long days;
} anchor;

enum fmt_kind { F_YMD, F_YM, F_Y, F_WEEK, F_XM };

/* Writes v at p as printf's "%0*d" with `width` would (the sign counts in the width);
 * returns the end. At most 11 bytes beyond the padding. */
static char *put_int(char *p, int v, int width) {
    char digits[12];
    int n = 0;
    long u = v < 0 ? -(long)v : v;
    do {
        digits[n++] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0) {
        *p++ = '-';
        width--;
    }
    for (int k = n; k < width; k++)
        *p++ = '0';
    while (n)
        *p++ = digits[--n];
    return p;
}

static char *put_str(char *p, const char *s) {
    while (*s)
        *p++ = *s++;
    return p;
}

/* Formats a value into the arena: F_YMD "%04d-%02d-%02d", F_YM "%04d-%02d", F_Y "%04d",
 * F_WEEK "%04d-W%02d", F_XM "XXXX-%02d". By hand, as snprintf cost ~850 instructions
 * per value. */
static nt_str fmt(arena *a, enum fmt_kind k, int x, int y, int z) {
    char b[48], *e = b;
    switch (k) {
        case F_YMD:
            e = put_int(put_str(put_int(put_str(put_int(e, x, 4), "-"), y, 2), "-"), z, 2);
            break;
        case F_YM: e = put_int(put_str(put_int(e, x, 4), "-"), y, 2); break;
        case F_Y: e = put_int(e, x, 4); break;
        case F_WEEK: e = put_int(put_str(put_int(e, x, 4), "-W"), y, 2); break;
        default: e = put_int(put_str(e, "XXXX-"), x, 2); break;
    }
    size_t n = (size_t)(e - b);
    char *p = arena_strndup(a, b, n);
    return p ? (nt_str){p, n} : (nt_str){"", 0};
}

static nt_str ymd(arena *a, long days) {
    int y, m, d;
    civil_from_days(days, &y, &m, &d);
    return fmt(a, F_YMD, y, m, d);
}

static nt_str iso_week(arena *a, long days) {
    int wd = (int)((days + 3) % 7 + 7) % 7; /* 0 = Monday */
    long thu = days - wd + 3;
    int y, m, d;
    civil_from_days(thu, &y, &m, &d);
    long jan1 = days_from_civil(y, 1, 1);
    return fmt(a, F_WEEK, y, (int)((thu - jan1) / 7 + 1), 0);
}

/* Tries a month expression at i: [day] Month [day][,] [year]. */
static size_t try_month(const tok_doc *d, size_t i, size_t end, const anchor *an, arena *a,
                        size_t *ts, nt_str *val) {
    int mo = month_of(d, i), day = 0, year = 0;
    if (mo < 0)
        return 0;
    size_t s = i, e = i + 1;
    bool cue = i > 0 && (is(d, i - 1, "in") || is(d, i - 1, "on") || is(d, i - 1, "since") ||
                         is(d, i - 1, "until") || is(d, i - 1, "by") || is(d, i - 1, "early") ||
                         is(d, i - 1, "late") || is(d, i - 1, "mid") || is(d, i - 1, "last") ||
                         is(d, i - 1, "next") || is(d, i - 1, "this") || is(d, i - 1, "of"));
    if (i > 0 && number_of(d, i - 1) >= 1 && number_of(d, i - 1) <= 31 &&
        (d->toks[i - 1].flags & TOK_NUM)) {
        day = number_of(d, i - 1);
        s = i - 1;
    }
    if (e < end && (d->toks[e].flags & TOK_NUM) && number_of(d, e) >= 1 && number_of(d, e) <= 31) {
        day = number_of(d, e);
        e++;
    }
    size_t ey = e;
    if (ey < end && is(d, ey, ","))
        ey++;
    if (ey < end && (d->toks[ey].flags & TOK_NUM) && number_of(d, ey) >= 1900 &&
        number_of(d, ey) <= 2100) {
        year = number_of(d, ey);
        e = ey + 1;
    }
    /* "may" and "march" are words too: need a cue, a day or a year */
    if ((mo == 5 || mo == 3) && !cue && !day && !year)
        return 0;
    if (s == i && i > 0 && (is(d, i - 1, "in") || is(d, i - 1, "on")))
        s = i - 1;
    if (!year && an->ok) {
        year = an->y;
        if (mo > an->m && !(i > 0 && is(d, i - 1, "next")))
            year--;
    }
    if (year && day)
        *val = fmt(a, F_YMD, year, mo, day);
    else if (year)
        *val = fmt(a, F_YM, year, mo, 0);
    else
        *val = fmt(a, F_XM, mo, 0, 0);
    *ts = s;
    return e;
}

/* Could the folded word w start a relative time? See may_start_relative. */
static inline bool word_may_start_relative(nt_str w) {
    if (w.n >= 5 && memcmp(w.p + w.n - 3, "day", 3) == 0)
        return true; /* weekdays, today, yesterday */
    if (w.n == 4)
        return !memcmp(w.p, "last", 4) || !memcmp(w.p, "this", 4) || !memcmp(w.p, "next", 4) ||
               !memcmp(w.p, "four", 4) || !memcmp(w.p, "five", 4) || !memcmp(w.p, "nine", 4);
    if (w.n == 7)
        return !memcmp(w.p, "tonight", 7);
    return eq_lit(w, "a") || eq_lit(w, "one") || eq_lit(w, "two") || eq_lit(w, "six") ||
           eq_lit(w, "ten") || eq_lit(w, "three") || eq_lit(w, "seven") || eq_lit(w, "eight");
}

/* Could token i start a relative time? A cheap filter before the word comparisons: a
 * number, or a word starting like a weekday, yesterday/today/tonight, last/this/next, or a
 * small number word. */
static bool may_start_relative(const tok_doc *d, size_t i) {
    uint16_t f = d->toks[i].flags;
    if (f & TOK_NUM)
        return true;
    return (f & TOK_WORD) && word_may_start_relative(tok_fold(d, i));
}

/* Could token i start any time expression? try_month needs a capital (month_of) and
 * try_relative needs may_start_relative: most tokens fail both on their flags or their
 * length, and ev__dates moves past them with no further work. */
static inline bool may_start_date(const tok_doc *d, size_t i) {
    uint16_t f = d->toks[i].flags;
    if (f & (TOK_CAP | TOK_NUM))
        return true;
    return (f & TOK_WORD) && word_may_start_relative(tok_fold(d, i));
}

static size_t try_relative(const tok_doc *d, size_t i, size_t end, const anchor *an, arena *a,
                           size_t *ts, nt_str *val) {
    if (!may_start_relative(d, i))
        return 0;
    int wd = wday_of(d, i);
    *val = (nt_str){"", 0};
    *ts = i;
    if (wd >= 0) {
        if (i > 0 && (is(d, i - 1, "on") || is(d, i - 1, "last") || is(d, i - 1, "since")))
            *ts = i - 1;
        if (an->ok) {
            int pw = (int)((an->days + 3) % 7 + 7) % 7;
            *val = ymd(a, an->days - ((pw - wd + 7) % 7));
        }
        return i + 1;
    }
    if (is(d, i, "yesterday") || is(d, i, "today") || is(d, i, "tonight")) {
        if (an->ok)
            *val = ymd(a, an->days - is(d, i, "yesterday"));
        return i + 1;
    }
    bool last = is(d, i, "last"), thisw = is(d, i, "this"), nextw = is(d, i, "next");
    if ((last || thisw || nextw) && i + 1 < end) {
        int dir = last ? -1 : nextw ? 1 : 0;
        if (i > 0 && is(d, i - 1, "earlier") && thisw)
            *ts = i - 1;
        if (is(d, i + 1, "week")) {
            if (an->ok)
                *val = iso_week(a, an->days + 7 * dir);
            return i + 2;
        }
        if (is(d, i + 1, "month")) {
            if (an->ok) {
                int m = an->m + dir, y = an->y;
                if (m < 1)
                    m += 12, y--;
                if (m > 12)
                    m -= 12, y++;
                *val = fmt(a, F_YM, y, m, 0);
            }
            return i + 2;
        }
        if (is(d, i + 1, "year")) {
            if (an->ok)
                *val = fmt(a, F_Y, an->y + dir, 0, 0);
            return i + 2;
        }
        if (last && is(d, i + 1, "night")) {
            if (an->ok)
                *val = ymd(a, an->days - 1);
            return i + 2;
        }
    }
    int n = number_of(d, i);
    if (n > 0 && n < 100 && i + 2 < end && is(d, i + 2, "ago")) {
        int mult = is(d, i + 1, "days") || is(d, i + 1, "day") ? 1
                   : is(d, i + 1, "weeks") || is(d, i + 1, "week") ? 7 : 0;
        if (mult && an->ok)
            *val = ymd(a, an->days - (long)n * mult);
        if (mult || is(d, i + 1, "years") || is(d, i + 1, "months"))
            return i + 3;
    }
    /* a year: "in 2013", "2013" */
    nt_str w = tok_fold(d, i);
    if ((d->toks[i].flags & TOK_NUM) && w.n == 4 && n >= 1900 && n <= 2100) {
        if (i > 0 && (is(d, i - 1, "in") || is(d, i - 1, "since") || is(d, i - 1, "during")))
            *ts = i - 1;
        *val = fmt(a, F_Y, n, 0, 0);
        return i + 1;
    }
    int y, m, dd;
    if ((d->toks[i].flags & TOK_NUM) && w.n == 10 && parse_pub(w, &y, &m, &dd)) {
        *val = (nt_str){w.p, w.n};
        return i + 1;
    }
    return 0;
}

nt_err ev__dates(const tok_doc *d, uint32_t first, uint32_t end, nt_str published, arena *a,
                 ev_date *out, size_t cap, size_t *n) {
    anchor an = {0};
    if (parse_pub(published, &an.y, &an.m, &an.d)) {
        an.ok = true;
        an.days = days_from_civil(an.y, an.m, an.d);
    }
    *n = 0;
    for (size_t i = first; i < end && *n < cap;) {
        size_t ts = i, e;
        nt_str val = {"", 0};
        if (!may_start_date(d, i)) {
            i++;
            continue;
        }
        e = try_month(d, i, end, &an, a, &ts, &val);
        if (!e)
            e = try_relative(d, i, end, &an, a, &ts, &val);
        if (!e) {
            i++;
            continue;
        }
        if (*n > 0 && ts < out[*n - 1].te)
            ts = out[*n - 1].te;
        out[(*n)++] = (ev_date){(uint32_t)ts, (uint32_t)e, val};
        i = e;
    }
    return NT_OK;
}
