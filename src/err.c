/* err.c - names and sentences for nt_err, entity types, case modes and offset units.
 * Pure tables; the strings are stable API. */
#include "newstag.h"

#include <string.h>

static const struct {
    nt_err e;
    const char *name;
    const char *msg;
} errs[] = {
    {NT_OK, "ok", "success"},
    {NT_ENOMEM, "out_of_memory", "out of memory"},
    {NT_EINVAL, "invalid_input", "invalid input"},
    {NT_EPARSE, "parse_error", "input did not parse"},
    {NT_EIO, "io_error", "input/output error"},
    {NT_ECORRUPT, "corrupt_data", "stored data is corrupt or of an unknown version"},
    {NT_ENOTFOUND, "not_found", "not found"},
    {NT_ELIMIT, "limit_exceeded", "a configured limit was exceeded"},
    {NT_EINTERNAL, "internal_error", "internal error"},
    {NT_EBUSY, "busy", "resource busy"},
};

const char *nt_strerror(nt_err e) {
    for (size_t i = 0; i < NT_ARRAY_LEN(errs); i++)
        if (errs[i].e == e)
            return errs[i].msg;
    return "unknown error";
}

const char *nt_errname(nt_err e) {
    for (size_t i = 0; i < NT_ARRAY_LEN(errs); i++)
        if (errs[i].e == e)
            return errs[i].name;
    return "unknown_error";
}

static const char *const type_names[NT_TYPE_COUNT] = {"PERSON", "ORG", "LOC", "WEAPON",
                                                       "NORP",   "FAC", "MISC"};

const char *nt_type_name(nt_type t) {
    return (unsigned)t < NT_TYPE_COUNT ? type_names[t] : "MISC";
}

nt_err nt_type_parse(nt_str s, nt_type *out) {
    for (int i = 0; i < NT_TYPE_COUNT; i++) {
        if (nt_str_eq_c(s, type_names[i])) {
            *out = (nt_type)i;
            return NT_OK;
        }
    }
    return NT_EINVAL;
}

static const char *const case_names[] = {"title", "exact", "any"};

const char *nt_case_name(nt_case c) {
    return (unsigned)c < NT_ARRAY_LEN(case_names) ? case_names[c] : "title";
}

nt_err nt_case_parse(nt_str s, nt_case *out) {
    for (size_t i = 0; i < NT_ARRAY_LEN(case_names); i++) {
        if (nt_str_eq_c(s, case_names[i])) {
            *out = (nt_case)i;
            return NT_OK;
        }
    }
    return NT_EINVAL;
}

static const char *const unit_names[] = {"char", "utf16", "byte"};

const char *nt_unit_name(nt_unit u) {
    return (unsigned)u < NT_ARRAY_LEN(unit_names) ? unit_names[u] : "char";
}

nt_err nt_unit_parse(nt_str s, nt_unit *out) {
    for (size_t i = 0; i < NT_ARRAY_LEN(unit_names); i++) {
        if (nt_str_eq_c(s, unit_names[i])) {
            *out = (nt_unit)i;
            return NT_OK;
        }
    }
    return NT_EINVAL;
}
