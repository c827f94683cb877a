import "dotenv/config";
import express from "express";
import * as Sentry from "@sentry/node";

const app = express();

app.get("/", (req, res) => res.send("ok"));

// Reports what the routes throw to Sentry (before the app's own error handler).
Sentry.setupExpressErrorHandler(app);

app.listen(3000, () => console.log("listening"));
