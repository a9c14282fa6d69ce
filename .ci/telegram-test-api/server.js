// Launcher for telegram-test-api (the npm package ships no start script;
// require() returns the server class itself). Listens on 127.0.0.1:
// TG_EMU_PORT (default 9311) and prints its URL once listening.
'use strict';
const TelegramServer = require('telegram-test-api');

const port = Number(process.env.TG_EMU_PORT || 9311);
const server = new TelegramServer({ port, host: '127.0.0.1', storeTimeout: 600 });

server.start().then(
  () => console.log(`listening on ${server.config.apiURL}`),
  (err) => { console.error('telegram-test-api failed to start:', err); process.exit(1); },
);

for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, async () => {
    await server.stop();
    process.exit(0);
  });
}
