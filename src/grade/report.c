/*
 * report - verdicts as people and graders read them: TAP on stdout
 * (prove, CI), a table of points by category, Gradescope's
 * results.json (--json FILE) and JUnit XML (--junit FILE).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "report.h"

/* ---- the verdict's log ---- */

static void log_add(struct verdict *v, const char *text, size_t len)
{
    if (v->log_len + len + 1 > v->log_cap) {
        size_t cap = v->log_cap ? v->log_cap : 256;
        while (cap < v->log_len + len + 1)
            cap *= 2;
        char *b = realloc(v->log, cap);
        if (b == NULL)
            return;             /* the log is best effort; the verdict stands */
        v->log = b;
        v->log_cap = cap;
    }
    memcpy(v->log + v->log_len, text, len);
    v->log_len += len;
    v->log[v->log_len] = '\0';
}

static void log_vline(struct verdict *v, const char *fmt, va_list ap)
{
    char line[1024];
    int n = vsnprintf(line, sizeof line, fmt, ap);
    if (n < 0)
        return;
    size_t len = (size_t)n < sizeof line ? (size_t)n : sizeof line - 1;
    log_add(v, line, len);
    log_add(v, "\n", 1);
}

void verdict_say(struct verdict *v, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    log_vline(v, fmt, ap);
    va_end(ap);
}

bool verdict_fail(struct verdict *v, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    log_vline(v, fmt, ap);
    va_end(ap);
    v->failed = true;
    return false;
}

void verdict_skip(struct verdict *v, const char *why)
{
    v->skipped = why;
}

void verdict_quote(struct verdict *v, const char *label, const char *bytes,
                   size_t len, size_t max)
{
    char q[4096];
    size_t n = 0;
    bool cut = len > max;
    size_t take = cut ? max : len;
    q[n++] = '"';
    for (size_t i = 0; i < take && n + 8 < sizeof q; i++) {
        unsigned char c = (unsigned char)bytes[i];
        if (c == '\n')
            n += (size_t)snprintf(q + n, sizeof q - n, "\\n");
        else if (c == '\r')
            n += (size_t)snprintf(q + n, sizeof q - n, "\\r");
        else if (c == '\t')
            n += (size_t)snprintf(q + n, sizeof q - n, "\\t");
        else if (c == '"' || c == '\\')
            n += (size_t)snprintf(q + n, sizeof q - n, "\\%c", c);
        else if (c < 0x20 || c >= 0x7f)
            n += (size_t)snprintf(q + n, sizeof q - n, "\\x%02x", c);
        else
            q[n++] = (char)c;
    }
    q[n++] = '"';
    q[n] = '\0';
    verdict_say(v, "  %s: %s%s", label, q, cut ? " (cut)" : "");
}

/* ---- TAP and the table ---- */

static const char *const tags[] = {
    "basic", "protocol", "concurrency", "robustness", "faults", "shutdown", "performance",
};
enum { TAGS = sizeof tags / sizeof tags[0] };

static double points_of(const struct outcome *oc)
{
    return oc->verdict.failed || oc->verdict.skipped ? 0 : oc->points;
}

void report_tap_plan(FILE *to, size_t count)
{
    fprintf(to, "1..%zu\n", count);
    fflush(to);
}

void report_tap_one(FILE *to, size_t number, const struct outcome *oc, bool verbose)
{
    const struct verdict *v = &oc->verdict;
    if (v->skipped) {
        fprintf(to, "ok %zu - %s: %s # SKIP %s\n", number, oc->check->id, oc->check->title,
                v->skipped);
    } else {
        fprintf(to, "%sok %zu - %s [%s] %s (%g/%g)\n", v->failed ? "not " : "", number,
                oc->check->id, oc->check->tag, oc->check->title, points_of(oc), oc->points);
    }
    if ((v->failed || verbose) && v->log != NULL) {
        for (const char *p = v->log; *p != '\0';) {
            const char *nl = strchr(p, '\n');
            size_t len = nl ? (size_t)(nl - p) : strlen(p);
            fprintf(to, "#   %.*s\n", (int)len, p);
            p += len + (nl != NULL);
        }
    }
    if (v->has_value)
        fprintf(to, "#   %s: %.0f\n", v->value_name, v->value);
    fflush(to);
}

void report_table(FILE *to, const struct outcome *ocs, size_t count, const char *spec,
                  const char *profile)
{
    double got[TAGS] = { 0 }, max[TAGS] = { 0 }, total = 0, total_max = 0;
    unsigned failed = 0, skipped = 0;
    for (size_t i = 0; i < count; i++) {
        for (size_t t = 0; t < TAGS; t++)
            if (strcmp(ocs[i].check->tag, tags[t]) == 0) {
                got[t] += points_of(&ocs[i]);
                max[t] += ocs[i].verdict.skipped ? 0 : ocs[i].points;
            }
        total += points_of(&ocs[i]);
        total_max += ocs[i].verdict.skipped ? 0 : ocs[i].points;
        failed += ocs[i].verdict.failed && !ocs[i].verdict.skipped;
        skipped += ocs[i].verdict.skipped != NULL;
    }
    fprintf(to, "#\n# %s, profile %s: points by category\n", spec, profile);
    for (size_t t = 0; t < TAGS; t++)
        if (max[t] > 0 || got[t] > 0)
            fprintf(to, "#   %-12s %6g / %g\n", tags[t], got[t], max[t]);
    fprintf(to, "#   %-12s %6g / %g", "total", total, total_max);
    if (failed > 0)
        fprintf(to, "   (%u check%s failed)", failed, failed == 1 ? "" : "s");
    if (skipped > 0)
        fprintf(to, "   (%u skipped)", skipped);
    fprintf(to, "\n");
    for (size_t i = 0; i < count; i++)
        if (ocs[i].verdict.has_value)
            fprintf(to, "#   leaderboard: %s %.0f\n", ocs[i].verdict.value_name,
                    ocs[i].verdict.value);
    fflush(to);
}

/* ---- Gradescope's results.json ---- */

int report_json(FILE *to, const struct outcome *ocs, size_t count, const char *spec,
                const char *profile, const char *note)
{
    struct json j;
    double total = 0, total_max = 0;
    for (size_t i = 0; i < count; i++) {
        total += points_of(&ocs[i]);
        total_max += ocs[i].verdict.skipped ? 0 : ocs[i].points;
    }
    json_init(&j);
    json_object_begin(&j, NULL);
    json_double(&j, "score", total, 2);
    json_double(&j, "max_score", total_max, 2);
    char line[320];
    snprintf(line, sizeof line, "grade %s, profile %s%s%s", spec, profile,
             note != NULL ? ": " : "", note != NULL ? note : "");
    json_str(&j, "output", line);
    json_str(&j, "visibility", "visible");
    json_array_begin(&j, "tests");
    for (size_t i = 0; i < count; i++) {
        const struct outcome *oc = &ocs[i];
        json_object_begin(&j, NULL);
        snprintf(line, sizeof line, "%s: %s", oc->check->id, oc->check->title);
        json_str(&j, "name", line);
        json_str(&j, "number", oc->check->id);
        json_double(&j, "score", points_of(oc), 2);
        json_double(&j, "max_score", oc->verdict.skipped ? 0 : oc->points, 2);
        json_str(&j, "status", oc->verdict.skipped ? "skipped"
                               : oc->verdict.failed ? "failed" : "passed");
        json_array_begin(&j, "tags");
        json_str(&j, NULL, oc->check->tag);
        json_array_end(&j);
        json_str(&j, "output", oc->verdict.skipped ? oc->verdict.skipped
                               : oc->verdict.log ? oc->verdict.log : "");
        json_object_end(&j);
    }
    json_array_end(&j);
    json_array_begin(&j, "leaderboard");
    for (size_t i = 0; i < count; i++)
        if (ocs[i].verdict.has_value) {
            json_object_begin(&j, NULL);
            json_str(&j, "name", ocs[i].verdict.value_name);
            json_double(&j, "value", ocs[i].verdict.value, 0);
            json_str(&j, "order", "desc");
            json_object_end(&j);
        }
    json_array_end(&j);
    json_object_end(&j);
    int rc = json_finish(&j);
    if (rc == 0 && fputs(j.buf, to) == EOF)
        rc = -1;
    json_free(&j);
    return rc;
}

/* ---- JUnit XML ---- */

static void xml_text(FILE *to, const char *s)
{
    for (; *s != '\0'; s++) {
        unsigned char c = (unsigned char)*s;
        switch (c) {
        case '<': fputs("&lt;", to); break;
        case '>': fputs("&gt;", to); break;
        case '&': fputs("&amp;", to); break;
        case '"': fputs("&quot;", to); break;
        case '\n': case '\t': fputc(c, to); break;
        default:
            /* XML 1.0 has no control characters but these */
            fputc(c < 0x20 || c == 0x7f ? '?' : c, to);
        }
    }
}

int report_junit(FILE *to, const struct outcome *ocs, size_t count, const char *spec,
                 const char *profile)
{
    unsigned failures = 0, skipped = 0;
    double seconds = 0;
    for (size_t i = 0; i < count; i++) {
        failures += ocs[i].verdict.failed && !ocs[i].verdict.skipped;
        skipped += ocs[i].verdict.skipped != NULL;
        seconds += ocs[i].verdict.seconds;
    }
    fprintf(to, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    fprintf(to, "<testsuites>\n");
    fprintf(to, "  <testsuite name=\"grade %s (%s)\" tests=\"%zu\" failures=\"%u\" "
                "skipped=\"%u\" time=\"%.3f\">\n", spec, profile, count, failures, skipped,
            seconds);
    for (size_t i = 0; i < count; i++) {
        const struct outcome *oc = &ocs[i];
        fprintf(to, "    <testcase classname=\"%s.%s\" name=\"", spec, oc->check->tag);
        xml_text(to, oc->check->id);
        fputs(": ", to);
        xml_text(to, oc->check->title);
        fprintf(to, "\" time=\"%.3f\"", oc->verdict.seconds);
        if (oc->verdict.skipped) {
            fputs(">\n      <skipped message=\"", to);
            xml_text(to, oc->verdict.skipped);
            fputs("\"/>\n    </testcase>\n", to);
        } else if (oc->verdict.failed) {
            fputs(">\n      <failure message=\"", to);
            xml_text(to, oc->check->title);
            fputs("\">", to);
            xml_text(to, oc->verdict.log ? oc->verdict.log : "");
            fputs("</failure>\n    </testcase>\n", to);
        } else {
            fputs("/>\n", to);
        }
    }
    fprintf(to, "  </testsuite>\n</testsuites>\n");
    return ferror(to) ? -1 : 0;
}
