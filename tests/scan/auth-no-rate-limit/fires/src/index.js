const express = require('express');
const app = express();
app.get('/health', (req, res) => res.json({ ok: true }));
app.get('/login', (req, res) => res.send('form'));
app.listen(3000);
