const express = require('express');
const pino = require('pino');
const log = pino();
const app = express();
app.get('/health', (req, res) => res.json({ ok: true }));
app.listen(3000, () => log.info('up'));
