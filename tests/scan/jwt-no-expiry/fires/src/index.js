const express = require('express');
const jwt = require('jsonwebtoken');
const app = express();
app.get('/health', (req, res) => res.json({ ok: true }));
app.get('/token', (req, res) => res.json({ token: jwt.sign({ sub: 1 }, process.env.JWT_SECRET) }));
app.listen(3000);
