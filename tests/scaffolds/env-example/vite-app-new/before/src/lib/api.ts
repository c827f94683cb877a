const base = import.meta.env.VITE_API_URL ?? "/api";

export const debug = import.meta.env.MODE === "development";

export function url(path: string) {
  return `${base}${path}`;
}
