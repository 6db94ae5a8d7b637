import numpy as np
import pytest

from bastion.threat.rows import rows_of, sorted_rows


def test_rows_found_whatever_the_order():
    ids = np.array([7, 3, 11, 5])
    assert rows_of(ids, np.array([5, 7, 11])).tolist() == [3, 0, 2]


def test_empty_request_gives_no_rows():
    assert rows_of(np.array([1, 2]), np.array([], dtype=np.int64)).shape == (0,)
    assert rows_of(np.array([], dtype=np.int64), np.array([], dtype=np.int64)).shape == (0,)


@pytest.mark.parametrize("ids", [np.array([1, 2]), np.array([], dtype=np.int64)])
def test_missing_id_is_an_error(ids):
    with pytest.raises(KeyError, match="9"):
        rows_of(ids, np.array([1, 9]))


def test_sorted_rows_finds_known_ids_and_flags_new_ones() -> None:
    pos, found = sorted_rows(np.array([2, 5, 9]), np.array([9, 3, 2, 11]))
    np.testing.assert_array_equal(found, [True, False, True, False])
    np.testing.assert_array_equal(pos[found], [2, 0])
    _, none = sorted_rows(np.zeros(0, dtype=np.int64), np.array([1]))
    assert not none.any()
