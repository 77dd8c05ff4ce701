// Validates Kubernetes manifests against the Kubernetes OpenAPI schema
// with the npm package kubernetes-models (4.x; each model's validate()
// checks types, required fields and formats), for tests/t-shard.sh.
//
//   node k8s-schema.js FILE.yaml...   every object valid: exit 0
//   node k8s-schema.js --broken       a known-bad Job must be rejected
//
// NODE_PATH must point at a node_modules holding kubernetes-models and
// js-yaml.
"use strict";
const fs = require("fs");
const yaml = require("js-yaml");

// kind -> the model's module, for the kinds the examples use.
const MODELS = {
    "batch/v1 Job": ["kubernetes-models/batch/v1/Job", "Job"],
    "v1 Pod": ["kubernetes-models/v1/Pod", "Pod"],
    "v1 PersistentVolumeClaim":
        ["kubernetes-models/v1/PersistentVolumeClaim", "PersistentVolumeClaim"],
    "v1 ConfigMap": ["kubernetes-models/v1/ConfigMap", "ConfigMap"],
};

function validate(doc, where) {
    const key = doc.apiVersion + " " + doc.kind;
    const m = MODELS[key];
    if (!m)
        throw new Error(where + ": no schema here for " + key);
    const Model = require(m[0])[m[1]];
    try {
        new Model(doc).validate();
    } catch (e) {
        throw new Error(where + ": " + key + " " +
                        (doc.metadata && doc.metadata.name) + ": " +
                        e.message);
    }
}

function main(argv) {
    if (argv[0] === "--broken") {
        // completions as a string and a container without a name.
        const bad = {
            apiVersion: "batch/v1", kind: "Job", metadata: {name: "x"},
            spec: {completionMode: "Indexed", completions: "4",
                   template: {spec: {restartPolicy: "Never",
                                     containers: [{image: "i"}]}}}};
        try {
            validate(bad, "broken");
        } catch (e) {
            return 0;
        }
        console.log("a broken Job passed the schema check");
        return 1;
    }
    let n = 0;
    for (const file of argv) {
        const docs = yaml.loadAll(fs.readFileSync(file, "utf8"));
        docs.forEach((doc, i) => {
            if (!doc)
                return;
            validate(doc, file + " #" + (i + 1));
            n++;
        });
    }
    if (n === 0) {
        console.log("no objects found");
        return 1;
    }
    return 0;
}

try {
    process.exitCode = main(process.argv.slice(2));
} catch (e) {
    console.log(e.message);
    process.exitCode = 1;
}
