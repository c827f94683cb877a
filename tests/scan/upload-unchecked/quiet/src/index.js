const express = require('express');
const multer = require('multer');
const upload = multer({ dest: 'uploads/', limits: { fileSize: 5e6 }, fileFilter: (req, file, cb) => cb(null, file.mimetype.startsWith('image/')) });
const app = express();
app.get('/health', (req, res) => res.json({ ok: true }));
app.get('/files', (req, res) => res.json([]));
app.listen(3000);
