// npm `@elastic/opamp-client-node` as an agent that takes OTTL rule files: the peer of
// ottl-fleet's tests (fleet/tests/peers.rs). Prints one JSON line per config it is offered,
// reports it APPLIED (or FAILED when a file holds the --fail-on text), and runs until stdin
// closes.
'use strict';

const {parseArgs} = require('node:util');
const {createOpAMPClient, AgentCapabilities, RemoteConfigStatuses} = require('@elastic/opamp-client-node');

const {values: args} = parseArgs({
    options: {
        url: {type: 'string'},
        service: {type: 'string', default: 'node'},
        'fail-on': {type: 'string', default: ''},
    },
});

let lastHash = '';
const client = createOpAMPClient({
    endpoint: args.url,
    heartbeatIntervalSeconds: 0.2,
    capabilities:
        AgentCapabilities.AgentCapabilities_AcceptsRemoteConfig |
        AgentCapabilities.AgentCapabilities_ReportsRemoteConfig,
    onMessage: ({remoteConfig}) => {
        if (!remoteConfig) {
            return;
        }
        const hash = Buffer.from(remoteConfig.configHash).toString('hex');
        if (hash === lastHash) {
            return;
        }
        lastHash = hash;
        const files = {};
        for (const [name, file] of Object.entries(remoteConfig.config?.configMap ?? {})) {
            files[name] = Buffer.from(file.body).toString('utf8');
        }
        const failOn = args['fail-on'];
        const failed = failOn !== '' && Object.values(files).some((body) => body.includes(failOn));
        client.setRemoteConfigStatus({
            status: failed
                ? RemoteConfigStatuses.RemoteConfigStatuses_FAILED
                : RemoteConfigStatuses.RemoteConfigStatuses_APPLIED,
            lastRemoteConfigHash: remoteConfig.configHash,
            errorMessage: failed ? `the rules hold ${failOn}` : '',
        });
        process.stdout.write(JSON.stringify({hash, files, status: failed ? 'FAILED' : 'APPLIED'}) + '\n');
    },
});
client.setAgentDescription({identifyingAttributes: {'service.name': args.service}});
client.start();

process.stdin.resume();
process.stdin.on('end', async () => {
    await client.shutdown();
    process.exit(0);
});
