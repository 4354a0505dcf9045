// Module kinds electron-vite adds to the Electron main build (?modulePath).
/// <reference types="electron-vite/node" />
