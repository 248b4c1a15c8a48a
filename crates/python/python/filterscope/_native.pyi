# Type stubs of the Rust extension module (crates/python/src). Its JSON strings are the
# command line's; the Python half turns them into DataFrames.
from typing import Optional, Sequence, Tuple, Union, final

__all__ = ["Error", "FORMAT_VERSION", "MAX_MODELS", "ModelError", "QueryError", "Site", "SiteDataError", "open"]

FORMAT_VERSION: int
MAX_MODELS: int

class Error(Exception): ...
class SiteDataError(Error): ...
class QueryError(Error): ...
class ModelError(Error): ...

# name, dtype ("F16" | "F32" | "F64" | other), shape, buffer address, length in bytes
_Array = Tuple[str, str, Sequence[int], int, int]
_Model = Union[str, Tuple[str, Sequence[_Array]]]

@final
class Site:
    def columns(self) -> Tuple[list[str], list[str]]: ...
    def manifest_json(self) -> str: ...
    def stats_json(self) -> str: ...
    def models_json(self) -> str: ...
    def layers_json(self, where: Sequence[str]) -> str: ...
    def compare_json(
        self,
        by: str,
        where: Sequence[str],
        weight: str,
        order: Optional[str],
        min_models: int,
        ci: Optional[int],
        seed: int,
    ) -> str: ...
    def yours_json(
        self, models: Sequence[_Model], page: Optional[str] = None
    ) -> Tuple[str, Optional[str], list[str]]: ...

def open(src: str, sha256: Optional[str] = None) -> Site: ...
