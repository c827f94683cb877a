const express = require('express');
const helmet = require('helmet');
const app = express();
app.use(helmet());
app.get('/health', (req, res) => res.json({ ok: true }));
app.listen(3000);
