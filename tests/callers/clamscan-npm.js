// clamscan-npm.js: drives the npm package "clamscan" 2.4.0 (index.js, class
// NodeClam), installed at test time, in local-binary mode: no socket, host
// or port, so every scan is execFile(clamdscan.path, args) (no shell, stdin
// an unused pipe, stdout and stderr captured apart).
//   init()        runs `BIN --version --config-file=CONF` and accepts the
//                 binary only if stdout matches /ClamAV/
//   isInfected(f) runs `BIN --no-summary --fdpass --config-file=CONF
//                 --multiscan F`; exit 1 -> infected, 0 -> parsed result,
//                 other -> error; names from / :\s+(.+)FOUND/
//   scanDir(d)    lists d recursively and runs the same with every file;
//                 bad files are the lines not ending in OK, their path
//                 /^(.*): /, viruses /(.+):\s+(.+)FOUND/
// clamscan (the other scanner the package can fall back to) is pointed at a
// path that does not exist, so a rejected clamdscan cannot be hidden by a
// fallback to a local clamscan.
//
// usage: node clamscan-npm.js MODULE_DIR file|dir TARGET [GO]
// env:   CALLER_BIN, CALLER_CONF
'use strict';
const fs = require('fs');
const [moduleDir, mode, target, go] = process.argv.slice(2);
const NodeClam = require(moduleDir);

const out = (line) => process.stdout.write(line + '\n');
const oneLine = (s) => String(s).replace(/\n/g, '\\n');

async function scanOnce(clamscan, initError) {
    if (initError) {
        // The application never gets a scanner: every upload is refused or
        // left unscanned by its own error path; never reported clean.
        out('decision: error');
        out('detail: init: ' + oneLine(initError.message || initError));
        return;
    }
    try {
        if (mode === 'file') {
            const { file, isInfected, viruses } = await clamscan.isInfected(target);
            if (isInfected === true) {
                out('decision: infected');
                for (const v of viruses) out('virus: ' + v);
                out('file: ' + file);
            } else if (isInfected === false) {
                out('decision: clean');
            } else {
                out('decision: error');
                out('detail: isInfected=' + isInfected);
            }
        } else {
            const { goodFiles, badFiles, viruses, errors } = await clamscan.scanDir(target);
            if (badFiles.length > 0) {
                out('decision: infected');
                for (const v of viruses) out('virus: ' + v);
                for (const f of badFiles) out('file: ' + f);
            } else if (Object.keys(errors || {}).length > 0) {
                out('decision: error');
                out('detail: errors=' + oneLine(JSON.stringify(errors)));
            } else {
                out('decision: clean');
            }
            out('detail: good=' + goodFiles.length);
        }
    } catch (err) {
        out('decision: error');
        out('detail: ' + oneLine(err.message) + (err.data && err.data.err ? ' / ' + oneLine(err.data.err.message) : ''));
    }
}

async function main() {
    const options = {
        removeInfected: false,
        debugMode: false,
        scanRecursively: true,
        clamscan: { path: '/nonexistent/clamscan-for-caller-tests', active: true },
        clamdscan: {
            path: process.env.CALLER_BIN,
            configFile: process.env.CALLER_CONF,
            socket: false,
            host: false,
            port: false,
            localFallback: true,
            multiscan: true,
            active: true,
        },
        preference: 'clamdscan',
    };
    // Started once, as an application does at boot.
    let clamscan = null;
    let initError = null;
    try {
        clamscan = await new NodeClam().init(options);
        out('init: ok scanner=' + clamscan.scanner);
    } catch (err) {
        initError = err;
        out('init: failed');
    }
    await scanOnce(clamscan, initError);
    if (go) {
        out('---');
        fs.writeFileSync(go + '.waiting', '');
        for (let i = 0; i < 600 && !fs.existsSync(go); i++) await new Promise((r) => setTimeout(r, 100));
        if (!fs.existsSync(go)) throw new Error('no ' + go + ' after 60 s');
        await scanOnce(clamscan, initError);
    }
}

main().catch((err) => {
    out('driver failed: ' + err.stack);
    process.exit(3);
});
