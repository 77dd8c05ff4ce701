// interop.js - the hdr-histogram-js side of tests/t-hdr-interop.sh.
//   node interop.js decode        base64 on stdin -> summary on stdout
//   node interop.js encode SEED N record N values, print base64 then summary
//   node interop.js hlog FILE     per-tag interval counts of an .hlog
// The summary format is the same as hdrtool.c's, so the shell compares text.
"use strict";
const hdr = require("hdr-histogram-js");

const PCTS = [0, 1, 10, 25, 50, 66, 75, 80, 90, 95, 98, 99, 99.9, 99.99, 100];

function summary(h) {
    const out = [];
    out.push("total " + h.totalCount);
    for (const p of PCTS)
        out.push("p" + p + " " + h.getValueAtPercentile(p));
    for (let i = 0; i < h.countsArrayLength; i++) {
        const c = h.getCountAtIndex(i);
        if (c !== 0)
            out.push("bucket " + h.valueFromIndex(i) + " " + c);
    }
    return out.join("\n") + "\n";
}

// The same generator as hdrtool.c: a 31-bit LCG, log-uniform values.
function* values(seed, n) {
    let s = seed >>> 0;
    const next = () => { s = (Math.imul(s, 1103515245) + 12345) & 0x7fffffff; return s; };
    for (let i = 0; i < n; i++) {
        const shift = next() % 31;
        yield (next() % Math.pow(2, shift)) + 1;
    }
}

const mode = process.argv[2];
if (mode === "decode") {
    const text = require("fs").readFileSync(0, "utf8").trim();
    const h = hdr.decodeFromCompressedBase64(text, 64);
    process.stdout.write(summary(h));
} else if (mode === "encode") {
    const h = hdr.build({ bitBucketSize: 64, autoResize: false,
                          lowestDiscernibleValue: 1,
                          highestTrackableValue: 3600000000,
                          numberOfSignificantValueDigits: 3 });
    for (const v of values(Number(process.argv[3]), Number(process.argv[4])))
        h.recordValue(v);
    process.stdout.write(hdr.encodeIntoCompressedBase64(h) + "\n");
    process.stdout.write(summary(h));
} else if (mode === "hlog") {
    // Reads an .hlog with the package's own log reader: per tag (untagged
    // lines as "-"), the number of intervals, the summed count and the
    // interval start times.
    const text = require("fs").readFileSync(process.argv[3], "utf8");
    const reader = new hdr.HistogramLogReader(text, 64);
    const tags = {};
    let h;
    while ((h = reader.nextIntervalHistogram()) !== null) {
        const tag = !h.tag || h.tag === "NO TAG" ? "-" : h.tag;
        tags[tag] = tags[tag] || { n: 0, total: 0, starts: [] };
        tags[tag].n++;
        tags[tag].total += h.totalCount;
        tags[tag].starts.push(h.startTimeStampMsec);
    }
    for (const tag of Object.keys(tags).sort())
        process.stdout.write("tag " + tag + " intervals " + tags[tag].n +
                             " total " + tags[tag].total + " starts " +
                             tags[tag].starts.join(" ") + "\n");
} else {
    process.stderr.write("usage: interop.js decode | encode SEED N | hlog FILE\n");
    process.exit(2);
}
