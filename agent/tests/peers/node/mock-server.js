// Elastic's mock OpAMP server (npm @elastic/mockopampserver 0.5.0) as the server of the
// agent's OpAMP tests (agent/tests/opamp.rs). Its CLI listens on port 4320 only, so this
// starts the package's MockOpAMPServer class as the CLI does (log level info) on the port
// given, in its test mode, and speaks the line protocol of tests/opamp-server:
//   node mock-server.js PORT
//   stdout: {"event":"listening"}, {"event":"message","seq":N,"full":BOOL,"attributes":{..}},
//           {"event":"status","status":"APPLIED","hash":"..","error":".."}, {"event":"offered","hash":".."}
//           (and the server's own JSON log lines, which carry no "event"); `offered` comes when
//           the server first answers a request with a config hash it had not offered before
//           (read from the answers its test mode keeps: the class has no getter for the hash)
//   stdin:  offer NAME PATH   offer the file at PATH as the config file NAME (text/x-ottl)
'use strict';

const fs = require('fs');
const readline = require('readline');
const {MockOpAMPServer} = require('@elastic/mockopampserver');

const STATUS_NAMES = ['UNSET', 'APPLIED', 'APPLYING', 'FAILED'];

function print(event) {
    process.stdout.write(JSON.stringify(event) + '\n');
}

function hex(bytes) {
    return Buffer.from(bytes ?? []).toString('hex');
}

function attributes(keyValues) {
    const out = {};
    for (const kv of keyValues ?? []) {
        out[kv.key] = kv.value?.value?.value;
    }
    return out;
}

// Each AgentToServer the server took, as events, from the requests its test mode keeps.
function report(a2s) {
    const description = a2s.agentDescription;
    print({
        event: 'message',
        seq: Number(a2s.sequenceNum),
        full: Boolean(description),
        attributes: description
            ? {...attributes(description.identifyingAttributes), ...attributes(description.nonIdentifyingAttributes)}
            : null,
    });
    const status = a2s.remoteConfigStatus;
    if (status) {
        print({
            event: 'status',
            status: STATUS_NAMES[status.status] ?? String(status.status),
            hash: hex(status.lastRemoteConfigHash),
            error: status.errorMessage,
        });
    }
}

async function main() {
    const port = Number(process.argv[2]);
    const server = new MockOpAMPServer({logLevel: 'info', hostname: '127.0.0.1', port, testMode: true});
    await server.start();
    print({event: 'listening', endpoint: server.endpoint});
    let seen = 0;
    const offered = new Set();
    setInterval(() => {
        const requests = server.testGetRequests();
        for (const request of requests.slice(seen)) {
            if (request.a2s) {
                report(request.a2s);
            }
            const hash = hex(request.s2a?.remoteConfig?.configHash);
            if (hash && !offered.has(hash)) {
                offered.add(hash);
                print({event: 'offered', hash});
            }
        }
        seen = requests.length;
    }, 20);
    readline.createInterface({input: process.stdin}).on('line', (line) => {
        const [verb, name, path] = line.trim().split(/\s+/);
        if (verb !== 'offer') {
            return;
        }
        const body = fs.readFileSync(path);
        server.setAgentConfigMap({configMap: {[name]: {body, contentType: 'text/x-ottl'}}});
    }).on('close', () => process.exit(0));
}

main().catch((err) => {
    process.stderr.write(`mock-server: ${err.stack}\n`);
    process.exit(1);
});
