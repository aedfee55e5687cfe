import mongoose, { type Connection } from 'mongoose';

/** One Mongoose connection per process (tests: per suite), failing fast when the server is absent. */
export async function connectMongo(uri: string): Promise<Connection> {
  return mongoose.createConnection(uri, { serverSelectionTimeoutMS: 10_000 }).asPromise();
}
