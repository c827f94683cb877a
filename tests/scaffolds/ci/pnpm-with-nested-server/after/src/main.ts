export const studio = true;
