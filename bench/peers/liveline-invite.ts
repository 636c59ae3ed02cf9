/**
 * The auth-on server of `liveline-auth`; its clients all offer the token of one invite link
 * (PROTOCOL.md A9), so it prices a token verified once and then remembered (A2).
 */
import './liveline-auth.js';
