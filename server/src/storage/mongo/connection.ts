/**
 * Connection string helpers, https://www.mongodb.com/docs/manual/reference/connection-string/.
 */

/** The database used when the connection string names none. */
export const DEFAULT_DATABASE = 'tessera';

/**
 * The database named in the path of a connection string (`mongodb://h1,h2/tessera?replicaSet=rs0`),
 * or DEFAULT_DATABASE.
 * @param uri - a `mongodb://` or `mongodb+srv://` connection string.
 */
export function databaseFromUri(uri: string): string {
  const match = /^mongodb(?:\+srv)?:\/\/[^/?]*\/([^?]*)/.exec(uri);
  const name = match?.[1] ? decodeURIComponent(match[1]) : '';
  return name === '' ? DEFAULT_DATABASE : name;
}
