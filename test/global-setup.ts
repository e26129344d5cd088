// Shared preparation for the whole run; later steps (the Kafka dev broker build) hook in here.
export default async function setup(): Promise<void> {}
