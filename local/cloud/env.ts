/** The account and region the local cloud deploys into (moto's default account). */
export const LOCAL_ENV = { account: '123456789012', region: 'us-east-1' } as const;
