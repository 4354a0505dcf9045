// Ambient declarations for the renderer bundle (no vite/client types: the web tsconfig has types: []).
declare module '*.css';
