// Temporal loads a failure converter by path: `require()`d by workers and clients, and bundled
// into the workflow sandbox. It is CommonJS so plain Node can require it without a TypeScript loader.
// With `encodeCommonAttributes`, failure messages and stack traces travel as a payload, which the
// payload codec then encrypts: an error echoing a token is not stored in plain text in history.
const { DefaultFailureConverter } = require('@temporalio/common');

exports.failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
