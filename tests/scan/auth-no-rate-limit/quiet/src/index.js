const express = require('express');
const rateLimit = require('express-rate-limit');
const app = express();
app.get('/health', (req, res) => res.json({ ok: true }));
app.get('/login', rateLimit({ windowMs: 60000, limit: 5 }), (req, res) => res.send('form'));
app.listen(3000);
