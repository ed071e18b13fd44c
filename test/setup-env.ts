// The app's info logs (one line per event) drown test output; warnings and errors still show.
process.env['BRIDGE_LOG_LEVEL'] ??= 'warn';
