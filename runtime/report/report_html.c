/*
 * report_html.c - --html FILE: one self-contained page (no network, no
 * external script): run information, the request, percentile, failure and
 * threshold tables as plain HTML, and charts of RPS/failures, p50/p95/p99
 * and users over time, drawn as inline SVG by a small inline script from a
 * JSON data block.
 */
#include "report_int.h"
#include "report_metrics.h"

#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "atomicfile.h"

static const char css[] =
    "body{font-family:system-ui,sans-serif;margin:24px;color:#222}"
    "h1{font-size:22px}h2{font-size:17px;margin-top:28px}"
    "table{border-collapse:collapse;font-size:13px}"
    "th,td{border:1px solid #ccc;padding:3px 8px;text-align:right}"
    "th{background:#f3f3f3}td.l,th.l{text-align:left}"
    "tr.agg td{font-weight:bold}.ok{color:#1a7f37}.bad{color:#c62828}"
    ".meta td{border:none;text-align:left;padding:1px 10px 1px 0}"
    ".chart{margin:8px 0 18px;max-width:900px}"
    "svg text{font-size:11px;fill:#444}svg text.ct{font-size:13px;"
    "font-weight:bold;fill:#222}svg text.ax{fill:#888}";

/* Draws each chart from the data block (each series is a list of numbers
 * or nulls, one per history row; null: no request in that second) as an
 * inline SVG: axes with round ticks (1, 2 or 5 times a power of ten; time
 * in whole seconds or minutes from the start), one polyline per series
 * carrying data-series=ID (tests/t-report.sh reads it back), and point
 * markers with a tooltip while there are at most 60 points. */
static const char script[] =
    "(function(){\n"
    "var d=JSON.parse(document.getElementById('swarm-data').textContent);\n"
    "var NS='http://www.w3.org/2000/svg';\n"
    "function el(n,a,p){var e=document.createElementNS(NS,n);\n"
    "for(var k in a)e.setAttribute(k,a[k]);if(p)p.appendChild(e);return e;}\n"
    "function txt(a,s,p){el('text',a,p).textContent=s;}\n"
    "/* the smallest 1, 2 or 5 times a power of ten that is >= x */\n"
    "function nice(x){var e=Math.pow(10,Math.floor(Math.log10(x))),f=x/e;\n"
    "return (f<=1?1:f<=2?2:f<=5?5:10)*e;}\n"
    "function tlab(v){v=Math.round(v);if(v<60)return v+'s';\n"
    "var h=Math.floor(v/3600),m=Math.floor(v%3600/60),s=v%60;\n"
    "return (h?h+'h':'')+(m?m+'m':'')+(s?s+'s':'');}\n"
    "function vlab(v){return v%1===0?String(v):\n"
    "v>=100?v.toFixed(0):v>=10?v.toFixed(1):v.toFixed(2);}\n"
    "var TSTEPS=[1,2,5,10,15,30,60,120,300,600,900,1800,3600,7200,14400,\n"
    "28800,86400];\n"
    "function chart(id,title,series){\n"
    " var box=document.getElementById(id),t=d.t,n=t.length;\n"
    " var W=900,H=240,L=58,R=16,T=40,B=36,max=0;\n"
    " var svg=el('svg',{viewBox:'0 0 '+W+' '+H,width:'100%',role:'img',\n"
    "  'aria-label':title},box);\n"
    " txt({x:L,y:20,'class':'ct'},title,svg);\n"
    " series.forEach(function(s){s.v.forEach(function(v){\n"
    "  if(v!==null&&v>max)max=v;});});\n"
    " var ys=nice((max>0?max:1)/4),ny=Math.max(1,Math.ceil(max/ys-1e-9));\n"
    " var ymax=ys*ny,yd=ys>=1?0:Math.ceil(-Math.log10(ys)-1e-9);\n"
    " var tmax=n&&t[n-1]>1?t[n-1]:1,xs=TSTEPS[TSTEPS.length-1];\n"
    " for(var i=0;i<TSTEPS.length;i++)\n"
    "  if(tmax/TSTEPS[i]<=9){xs=TSTEPS[i];break;}\n"
    " function X(x){return L+x/tmax*(W-L-R);}\n"
    " function Y(y){return H-B-y/ymax*(H-T-B);}\n"
    " for(var k=0;k<=ny;k++){var yy=Y(k*ys);\n"
    "  el('line',{x1:L,y1:yy,x2:W-R,y2:yy,stroke:k?'#e8e8e8':'#999'},svg);\n"
    "  txt({x:L-6,y:yy+4,'text-anchor':'end'},(k*ys).toFixed(yd),svg);}\n"
    " el('line',{x1:L,y1:T-6,x2:L,y2:H-B,stroke:'#999'},svg);\n"
    " for(var j=0;j*xs<=tmax+1e-9;j++){var xx=X(j*xs);\n"
    "  el('line',{x1:xx,y1:H-B,x2:xx,y2:H-B+4,stroke:'#999'},svg);\n"
    "  txt({x:xx,y:H-B+17,'text-anchor':'middle'},tlab(j*xs),svg);}\n"
    " txt({x:W-R,y:H-4,'text-anchor':'end','class':'ax'},'time since start',\n"
    "  svg);\n"
    " if(!n)txt({x:(L+W-R)/2,y:(T+H-B)/2,'text-anchor':'middle'},'no data',\n"
    "  svg);\n"
    " var lx=W-R;\n"
    " for(var m=series.length-1;m>=0;m--){var s=series[m];\n"
    "  lx-=s.n.length*7+28;\n"
    "  el('rect',{x:lx,y:11,width:12,height:4,rx:1,fill:s.c},svg);\n"
    "  txt({x:lx+16,y:17},s.n,svg);}\n"
    " series.forEach(function(s){\n"
    "  var g=el('g',{'data-series':s.id},svg),pts=[];\n"
    "  function flush(){if(pts.length>1)el('polyline',{points:pts.join(' '),\n"
    "   fill:'none',stroke:s.c,'stroke-width':2,'stroke-linejoin':'round',\n"
    "   'data-series':s.id},g);\n"
    "   else if(pts.length==1&&n>60){var p=pts[0].split(',');\n"
    "   el('circle',{cx:p[0],cy:p[1],r:2.5,fill:s.c},g);}pts=[];}\n"
    "  for(var i=0;i<n;i++){var v=s.v[i];if(v===null){flush();continue;}\n"
    "   var px=X(t[i]).toFixed(1),py=Y(v).toFixed(1);pts.push(px+','+py);\n"
    "   /* markers (with a tooltip) while they do not clutter the line */\n"
    "   if(n<=60){var c=el('circle',{cx:px,cy:py,r:2.5,fill:s.c},g);\n"
    "    el('title',{},c).textContent=s.n+' '+vlab(v)+' at '+tlab(t[i]);}}\n"
    "  flush();});\n"
    "}\n"
    "chart('c-rps','Requests per second',[{id:'rps',n:'Requests/s',v:d.rps,\n"
    "c:'#1a7f37'},{id:'fps',n:'Failures/s',v:d.fps,c:'#c62828'}]);\n"
    "chart('c-lat','Response times (ms)',[{id:'p50',n:'p50',v:d.p50,\n"
    "c:'#1565c0'},{id:'p95',n:'p95',v:d.p95,c:'#ef6c00'},\n"
    "{id:'p99',n:'p99',v:d.p99,c:'#8e24aa'}]);\n"
    "chart('c-users','Users',[{id:'users',n:'Users',v:d.users,c:'#455a64'}]);\n"
    "})();\n";

static json_t *num_or_null(double v)
{
    return v >= 0 ? json_real(v) : json_null();
}

/* The chart data: seconds since the start and one array per series. */
static char *chart_data(const struct sw__reporter *r,
                        const struct sw__run_info *ri)
{
    json_t *o = json_object();
    json_t *t = json_array(), *users = json_array(), *rps = json_array();
    json_t *fps = json_array(), *p50 = json_array(), *p95 = json_array();
    json_t *p99 = json_array();
    char *text = NULL;
    if (!o || !t || !users || !rps || !fps || !p50 || !p95 || !p99)
        goto out;
    for (int i = 0; i < r->nrows; i++) {
        const struct sw__hist_row *row = &r->rows[i];
        double is = row->interval_s > 0 ? row->interval_s : 1.0;
        json_array_append_new(t, json_real(
            (double)(row->ts_ms - ri->start_unix_ms) / 1000.0));
        json_array_append_new(users, json_integer(row->users));
        json_array_append_new(rps, json_real((double)row->interval_reqs / is));
        json_array_append_new(fps, json_real((double)row->interval_fails /
                                             is));
        json_array_append_new(p50, num_or_null(row->p50_ms));
        json_array_append_new(p95, num_or_null(row->p95_ms));
        json_array_append_new(p99, num_or_null(row->p99_ms));
    }
    json_object_set(o, "t", t);
    json_object_set(o, "users", users);
    json_object_set(o, "rps", rps);
    json_object_set(o, "fps", fps);
    json_object_set(o, "p50", p50);
    json_object_set(o, "p95", p95);
    json_object_set(o, "p99", p99);
    text = json_dumps(o, JSON_COMPACT | JSON_REAL_PRECISION(6));
out:
    json_decref(o);
    json_decref(t);
    json_decref(users);
    json_decref(rps);
    json_decref(fps);
    json_decref(p50);
    json_decref(p95);
    json_decref(p99);
    return text;
}

static void td_ms(FILE *f, double us)
{
    char b[32];
    sw__fmt_ms_short(b, sizeof(b), us);
    fprintf(f, "<td>%s</td>", b);
}

static void request_row(FILE *f, const struct sw__stats_entry *e,
                        const char *method, double dur, int agg)
{
    double n = (double)e->requests;
    fprintf(f, "<tr%s><td class=l>", agg ? " class=agg" : "");
    sw__xml_text(f, method);
    fprintf(f, "</td><td class=l>");
    sw__xml_text(f, e->name);
    fprintf(f, "</td><td>%lld</td><td>%lld</td>", (long long)e->requests,
            (long long)e->failures);
    td_ms(f, e->requests ? (double)e->total_us / n : 0);
    td_ms(f, e->requests ? (double)e->min_us : 0);
    td_ms(f, (double)e->max_us);
    td_ms(f, (double)sw__report_pct_us(e, 50));
    fprintf(f, "<td>%.0f</td><td>%.2f</td><td>%.2f</td></tr>\n",
            e->requests ? (double)e->bytes / n : 0.0,
            (double)e->requests / dur, (double)e->failures / dur);
}

static void pct_row(FILE *f, const struct sw__stats_entry *e,
                    const char *method, int agg)
{
    fprintf(f, "<tr%s><td class=l>", agg ? " class=agg" : "");
    sw__xml_text(f, method);
    fprintf(f, "</td><td class=l>");
    sw__xml_text(f, e->name);
    fprintf(f, "</td>");
    for (int i = 0; i < SW_NPCT; i++) {
        if (e->requests)
            td_ms(f, (double)sw__report_pct_us(e, sw__report_pcts[i]));
        else
            fprintf(f, "<td>N/A</td>");
    }
    fprintf(f, "</tr>\n");
}

static void when(char *buf, size_t n, int64_t ms)
{
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    buf[0] = '\0';
    if (gmtime_r(&t, &tm))
        strftime(buf, n, "%Y-%m-%d %H:%M:%S UTC", &tm);
}

int sw__report_html(struct sw__reporter *r, const struct sw__stats *s,
                    const struct sw__run_info *ri,
                    const struct sw__tresult *tres, const char *path)
{
    struct sw__afile af;
    if (sw__afile_open(&af, path) < 0)
        goto fail;
    if (sw__report_html_write(af.f, r, s, ri, tres) < 0) {
        int e = errno;
        sw__afile_abort(&af);
        errno = e;
        goto fail;
    }
    if (sw__afile_commit(&af) < 0)
        goto fail;
    return 0;
fail:
    fprintf(stderr, "swarm: cannot write %s: %s\n", path, strerror(errno));
    return -1;
}

int sw__report_html_write(FILE *f, struct sw__reporter *r,
                          const struct sw__stats *s,
                          const struct sw__run_info *ri,
                          const struct sw__tresult *tres)
{
    const struct sw__options *opt = ri->opt;
    double dur = sw__report_duration_s(ri);
    char *data = chart_data(r, ri);
    if (!data) {
        errno = ENOMEM;
        return -1;
    }
    const char *src = ri->scenario && ri->scenario->source
                          ? ri->scenario->source : "scenario";
    char t0[64], t1[64];
    when(t0, sizeof(t0), ri->start_unix_ms);
    when(t1, sizeof(t1), ri->now_unix_ms);

    fprintf(f, "<!DOCTYPE html>\n<html lang=en><head><meta charset=utf-8>"
               "<title>swarm report: ");
    sw__xml_text(f, src);
    fprintf(f, "</title><style>%s</style></head><body>\n", css);
    fprintf(f, "<h1>Load test report: ");
    sw__xml_text(f, src);
    fprintf(f, "</h1>\n<table class=meta>");
    fprintf(f, "<tr><td>During</td><td>%s &ndash; %s (%.1f s)</td></tr>", t0,
            t1, dur);
    fprintf(f, "<tr><td>Target host</td><td>");
    sw__xml_text(f, opt && opt->host ? opt->host : "");
    /* The peak is what a reader wants; at the stop users are usually 0. */
    fprintf(f, "</td></tr><tr><td>Users</td><td>%lld at the peak, %lld at "
               "the stop</td></tr>",
            (long long)(r->max_users > ri->users ? r->max_users : ri->users),
            (long long)ri->users);
    if (opt && opt->shard_count > 1)
        fprintf(f, "<tr><td>Shard</td><td>%d/%d</td></tr>",
                opt->shard_index + 1, opt->shard_count);
    fprintf(f, "<tr><td>Generated by</td><td>swarmc %s</td></tr></table>\n",
            SW_VERSION);

    if (opt && opt->nthresholds > 0) {
        fprintf(f, "<h2>Thresholds</h2>\n<table><tr><th></th>"
                   "<th class=l>Threshold</th><th class=l>Measured</th>"
                   "</tr>\n");
        for (int i = 0; i < opt->nthresholds; i++) {
            const sw_threshold_t *t = &opt->thresholds[i];
            char actual[64];
            sw__threshold_format_actual_in(t, s, tres[i].actual, actual,
                                        sizeof(actual));
            fprintf(f, "<tr><td class=%s>%s</td><td class=l>",
                    tres[i].passed ? "ok" : "bad",
                    tres[i].passed ? "&#10003;" : "&#10007;");
            sw__xml_text(f, t->text ? t->text : "");
            fprintf(f, "</td><td class=l>%s</td></tr>\n", actual);
        }
        fprintf(f, "</table>\n");
    }

    int n = 0;
    struct sw__stats_entry **v = sw__stats_sorted(s, &n);
    fprintf(f, "<h2>Request statistics</h2>\n<table><tr><th class=l>Method"
               "</th><th class=l>Name</th><th># Requests</th><th># Fails"
               "</th><th>Average (ms)</th><th>Min (ms)</th><th>Max (ms)</th>"
               "<th>Median (ms)</th><th>Average size (bytes)</th><th>RPS"
               "</th><th>Failures/s</th></tr>\n");
    for (int i = 0; i < n; i++)
        request_row(f, v[i], sw__method_name(v[i]->method), dur, 0);
    request_row(f, &s->total, "", dur, 1);
    fprintf(f, "</table>\n<h2>Response time percentiles (ms)</h2>\n<table>"
               "<tr><th class=l>Method</th><th class=l>Name</th>");
    for (int i = 0; i < SW_NPCT; i++)
        fprintf(f, "<th>%s</th>", sw__report_pct_labels[i]);
    fprintf(f, "</tr>\n");
    for (int i = 0; i < n; i++)
        pct_row(f, v[i], sw__method_name(v[i]->method), 0);
    pct_row(f, &s->total, "", 1);
    fprintf(f, "</table>\n");
    free(v);

    int ne = 0;
    struct sw__stats_error **ev = sw__stats_errors_sorted(s, &ne);
    fprintf(f, "<h2>Failures statistics</h2>\n");
    if (ne == 0) {
        fprintf(f, "<p>No failures.</p>\n");
    } else {
        fprintf(f, "<table><tr><th class=l>Method</th><th class=l>Name</th>"
                   "<th class=l>Error</th><th>Occurrences</th></tr>\n");
        for (int i = 0; i < ne; i++) {
            fprintf(f, "<tr><td class=l>%s</td><td class=l>",
                    sw__method_name(ev[i]->method));
            sw__xml_text(f, ev[i]->name);
            fprintf(f, "</td><td class=l>");
            sw__xml_text(f, ev[i]->message);
            fprintf(f, "</td><td>%lld</td></tr>\n", (long long)ev[i]->count);
        }
        fprintf(f, "</table>\n");
    }
    free(ev);

    sw__metrics_html(f, s, dur);

    fprintf(f, "<h2>Charts</h2>\n<div class=chart id=c-rps></div>\n"
               "<div class=chart id=c-lat></div>\n"
               "<div class=chart id=c-users></div>\n");
    /* "</" inside a script element would end it early. */
    fprintf(f, "<script type=\"application/json\" id=\"swarm-data\">");
    for (const char *p = data; *p; p++) {
        if (p[0] == '<' && p[1] == '/')
            fputs("<\\", f);
        else
            fputc(*p, f);
    }
    fprintf(f, "</script>\n<script>\n%s</script>\n</body></html>\n", script);
    free(data);
    return 0;
}
