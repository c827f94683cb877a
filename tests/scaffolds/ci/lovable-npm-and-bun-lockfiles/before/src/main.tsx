export const app = "shop";
