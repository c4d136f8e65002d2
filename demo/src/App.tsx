import React from 'react';
import { Banner } from './components/Banner';
import { Checkout } from './components/Checkout';

export function App() {
  // The banner's copy is one flag per audience segment: `banner_copy_<segment>`.
  const segment = new URLSearchParams(window.location.search).get('segment') ?? 'welcome';
  return (
    <>
      <Banner variant={segment} />
      <Checkout />
    </>
  );
}
