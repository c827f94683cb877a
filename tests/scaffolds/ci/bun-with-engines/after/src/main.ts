export const quiz = 1;
