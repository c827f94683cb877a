const express = require('express');
const multer = require('multer');
const upload = multer({ dest: 'uploads/' });
const app = express();
app.get('/health', (req, res) => res.json({ ok: true }));
app.get('/files', (req, res) => res.json([]));
app.listen(3000);
