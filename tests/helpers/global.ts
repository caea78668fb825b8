// Loaded by mocha before any test file (.mocharc.json "require").
process.env.NODE_ENV = 'test';
process.env.LOG_LEVEL ??= 'silent';
