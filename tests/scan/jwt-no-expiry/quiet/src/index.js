const express = require('express');
const jwt = require('jsonwebtoken');
const app = express();
app.get('/health', (req, res) => res.json({ ok: true }));
app.get('/token', (req, res) => res.json({ token: jwt.sign({ sub: 1 }, process.env.JWT_SECRET, { expiresIn: '1h' }) }));
app.listen(3000);
