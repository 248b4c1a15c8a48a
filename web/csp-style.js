// The page's Content-Security-Policy allows no inline style attributes (style-src 'self'). The
// plotting library measures text by giving a detached <span> a style attribute, which the policy
// would ignore, so labels would be laid out with the wrong font size. For such a span only, the
// attribute is applied through the CSSOM (element.style), which the policy allows: markup from
// anywhere still cannot style anything.
(() => {
  const set = Element.prototype.setAttribute;
  Element.prototype.setAttribute = function (name, value) {
    if (name === 'style' && this instanceof HTMLSpanElement && !this.isConnected) {
      this.style.cssText = value;
      return;
    }
    return set.call(this, name, value);
  };
})();
