import "./instrument.js";
import { createRoot } from "react-dom/client";
import App from "./App.jsx";
import * as Sentry from "@sentry/react";

createRoot(document.getElementById("root"), { onUncaughtError: Sentry.reactErrorHandler(), onCaughtError: Sentry.reactErrorHandler(), onRecoverableError: Sentry.reactErrorHandler() }).render(<App />);
