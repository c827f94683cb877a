const express = require('express');
const cors = require('cors');
const app = express();
app.use(cors({ origin: ['https://app.example.com'], credentials: true }));
app.get('/health', (req, res) => res.json({ ok: true }));
app.listen(3000);
